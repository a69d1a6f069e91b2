# Last successful Windows Server Backup and newest VSS snapshot.
$summary = Get-WBSummary
$last = $summary.LastSuccessfulBackupTime
$age = $null
if ($last) { $age = [Math]::Round(((Get-Date) - $last).TotalDays, 1) }
$shadow = Get-CimInstance -ClassName Win32_ShadowCopy | Sort-Object InstallDate -Descending | Select-Object -First 1
$shadowAge = $null
if ($shadow) { $shadowAge = [Math]::Round(((Get-Date) - $shadow.InstallDate).TotalDays, 1) }
$ok = $null -ne $age -and $age -le $Params.max_age_days
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "a successful backup within $($Params.max_age_days) days"
  actual   = $(if ($null -eq $age) { 'no successful backup recorded' } else { "last successful backup $age days ago" })
  details  = [ordered]@{
    lastSuccessfulBackup = $(if ($last) { $last.ToString('o') } else { $null })
    ageDays              = $age
    versions             = $summary.NumberOfVersions
    newestShadowCopyAgeDays = $shadowAge
  }
} | ConvertTo-Json -Compress -Depth 5
