# Age of the krbtgt account's password.
$set = (Get-ADUser -Identity 'krbtgt' -Properties PasswordLastSet).PasswordLastSet
$age = [Math]::Floor(((Get-Date) - $set).TotalDays)
[ordered]@{
  status   = $(if ($age -le $Params.max_age_days) { 'pass' } else { 'fail' })
  expected = "krbtgt password at most $($Params.max_age_days) days old"
  actual   = "krbtgt password $age days old"
  details  = [ordered]@{ ageDays = $age }
} | ConvertTo-Json -Compress -Depth 5
