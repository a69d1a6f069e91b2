$rdp = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$enabled = (Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server').fDenyTSConnections -eq 0
$ok = $rdp.UserAuthentication -eq 1 -and $rdp.SecurityLayer -ge 2
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = 'NLA required (UserAuthentication=1) with TLS (SecurityLayer=2)'
  actual   = "UserAuthentication=$($rdp.UserAuthentication), SecurityLayer=$($rdp.SecurityLayer)$(if (-not $enabled) { ' (RDP disabled)' })"
  details  = [ordered]@{ userAuthentication = $rdp.UserAuthentication; securityLayer = $rdp.SecurityLayer; rdpEnabled = $enabled }
} | ConvertTo-Json -Compress -Depth 5
