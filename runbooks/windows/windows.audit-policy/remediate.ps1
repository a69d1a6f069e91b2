# Enable success+failure auditing where it is missing; remember each prior setting.
$required = @('Credential Validation', 'Logon', 'Logoff', 'Account Lockout', 'Special Logon', 'User Account Management', 'Security Group Management', 'Audit Policy Change')
$rows = auditpol /get /category:* /r | ConvertFrom-Csv
$before = [ordered]@{}
foreach ($name in $required) {
  $row = $rows | Where-Object { $_.Subcategory -eq $name } | Select-Object -First 1
  $setting = 'No Auditing'
  if ($row) { $setting = $row.'Inclusion Setting' }
  if ($setting -ne 'Success and Failure') {
    $before[$name] = $setting
    $out = auditpol /set "/subcategory:$name" /success:enable /failure:enable
    if ($LASTEXITCODE -ne 0) { throw "auditpol could not set '$name' (exit $($LASTEXITCODE)): $out" }
  }
}
[ordered]@{ changed = ($before.Count -gt 0); details = [ordered]@{ before = [ordered]@{ settings = $before } } } | ConvertTo-Json -Compress -Depth 5
