# Windows Update and component servicing each leave a key while a restart is pending.
$wu = Test-Path -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
$cbs = Test-Path -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
$sources = @()
if ($wu) { $sources += 'Windows Update' }
if ($cbs) { $sources += 'component servicing' }
[ordered]@{
  status   = $(if ($sources.Count -eq 0) { 'pass' } else { 'warn' })
  expected = 'no restart pending'
  actual   = $(if ($sources.Count -eq 0) { 'no restart pending' } else { "restart pending for $($sources -join ' and ')" })
  details  = [ordered]@{ pending = $sources }
} | ConvertTo-Json -Compress -Depth 5
