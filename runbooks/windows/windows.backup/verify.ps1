# The backup just taken must show up as the last successful one.
$last = (Get-WBSummary).LastSuccessfulBackupTime
$age = $null
if ($last) { $age = [Math]::Round(((Get-Date) - $last).TotalDays, 1) }
$ok = $null -ne $age -and $age -le $Params.max_age_days
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "a successful backup within $($Params.max_age_days) days"
  actual   = $(if ($null -eq $age) { 'no successful backup recorded' } else { "last successful backup $age days ago" })
  details  = [ordered]@{ ageDays = $age }
} | ConvertTo-Json -Compress -Depth 5
