# Let Windows Update run: a disabled wuauserv is the usual reason patches stop.
$svc = Get-Service -Name wuauserv
$before = [ordered]@{ startType = "$($svc.StartType)"; status = "$($svc.Status)" }
$countBefore = @(Get-HotFix).Count
if ("$($svc.StartType)" -eq 'Disabled') { Set-Service -Name wuauserv -StartupType Manual }
Start-Service -Name wuauserv
UsoClient.exe StartScan
UsoClient.exe StartInstall
$installed = @(Get-HotFix).Count - $countBefore
[ordered]@{
  changed = $true
  details = [ordered]@{ before = $before; updatesInstalled = $installed; rebootRequired = (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') }
} | ConvertTo-Json -Compress -Depth 5
