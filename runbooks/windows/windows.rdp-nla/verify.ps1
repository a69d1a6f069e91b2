$path = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$nla = Get-ItemPropertyValue -Path $path -Name UserAuthentication
$layer = Get-ItemPropertyValue -Path $path -Name SecurityLayer
[ordered]@{
  status   = $(if ($nla -eq 1 -and $layer -ge 2) { 'pass' } else { 'fail' })
  expected = 'UserAuthentication=1, SecurityLayer>=2'
  actual   = "UserAuthentication=$nla, SecurityLayer=$layer"
  details  = [ordered]@{ userAuthentication = $nla; securityLayer = $layer }
} | ConvertTo-Json -Compress -Depth 5
