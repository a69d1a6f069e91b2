# Patch age decides; a reboot still pending after installing is expected and only warns.
$latest = Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 1
$age = 9999
if ($latest) { $age = [int][Math]::Floor(((Get-Date) - $latest.InstalledOn).TotalDays) }
$reboot = Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
$status = 'fail'
if ($age -le $Params.max_patch_age_days) { $status = $(if ($reboot) { 'warn' } else { 'pass' }) }
[ordered]@{
  status   = $status
  expected = "an update installed within $($Params.max_patch_age_days) days"
  actual   = "newest update is $age days old$(if ($reboot) { ', reboot pending (schedule it)' })"
  details  = [ordered]@{ ageDays = $age; rebootPending = $reboot }
} | ConvertTo-Json -Compress -Depth 5
