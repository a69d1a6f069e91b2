# Query just the required subcategories back.
$required = @('Credential Validation', 'Logon', 'Logoff', 'Account Lockout', 'Special Logon', 'User Account Management', 'Security Group Management', 'Audit Policy Change')
$rows = @(auditpol /get "/subcategory:$($required -join ',')" /r | ConvertFrom-Csv)
$full = @($rows | Where-Object { $_.'Inclusion Setting' -eq 'Success and Failure' })
[ordered]@{
  status   = $(if ($full.Count -eq $required.Count) { 'pass' } else { 'fail' })
  expected = "$($required.Count) subcategories auditing Success and Failure"
  actual   = "$($full.Count) of $($required.Count) auditing Success and Failure"
  details  = [ordered]@{ audited = @($full | ForEach-Object { $_.Subcategory }) }
} | ConvertTo-Json -Compress -Depth 5
