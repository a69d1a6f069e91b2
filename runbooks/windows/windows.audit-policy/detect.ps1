# Read every subcategory once (CSV) and compare the logon/account ones with the target.
$required = @('Credential Validation', 'Logon', 'Logoff', 'Account Lockout', 'Special Logon', 'User Account Management', 'Security Group Management', 'Audit Policy Change')
$rows = auditpol /get /category:* /r | ConvertFrom-Csv
$settings = [ordered]@{}
$missing = @()
foreach ($name in $required) {
  $row = $rows | Where-Object { $_.Subcategory -eq $name } | Select-Object -First 1
  $setting = 'No Auditing'
  if ($row) { $setting = $row.'Inclusion Setting' }
  $settings[$name] = $setting
  if ($setting -ne 'Success and Failure') { $missing += $name }
}
[ordered]@{
  status   = $(if ($missing.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "Success and Failure for $($required.Count) logon/account subcategories"
  actual   = $(if ($missing.Count -eq 0) { 'all audited' } else { "not fully audited: $($missing -join ', ')" })
  details  = [ordered]@{ settings = $settings; missing = $missing }
} | ConvertTo-Json -Compress -Depth 5
