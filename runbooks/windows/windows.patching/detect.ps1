# Age of the newest hotfix, and whether Windows Update is waiting for a reboot.
$latest = Get-HotFix | Where-Object { $_.InstalledOn } | Sort-Object InstalledOn -Descending | Select-Object -First 1
$age = 9999
if ($latest) { $age = [int][Math]::Floor(((Get-Date) - $latest.InstalledOn).TotalDays) }
$reboot = Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
$status = 'pass'
if ($age -gt $Params.max_patch_age_days) { $status = 'fail' } elseif ($reboot) { $status = 'warn' }
$wu = Get-Service -Name wuauserv
[ordered]@{
  status   = $status
  expected = "an update installed within $($Params.max_patch_age_days) days, no reboot pending"
  actual   = "newest update $($latest.HotFixID) is $age days old$(if ($reboot) { ', reboot pending' })"
  details  = [ordered]@{
    newestHotFix     = "$($latest.HotFixID)"
    ageDays          = $age
    rebootPending    = $reboot
    updateService    = "$($wu.Status)"
    updateStartType  = "$($wu.StartType)"
  }
} | ConvertTo-Json -Compress -Depth 5
