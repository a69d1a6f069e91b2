$path = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$rdp = Get-ItemProperty -Path $path
$before = [ordered]@{ userAuthentication = $rdp.UserAuthentication; securityLayer = $rdp.SecurityLayer }
Set-ItemProperty -Path $path -Name UserAuthentication -Value 1
if ($rdp.SecurityLayer -lt 2) { Set-ItemProperty -Path $path -Name SecurityLayer -Value 2 }
[ordered]@{ changed = $true; details = [ordered]@{ before = $before } } | ConvertTo-Json -Compress -Depth 5
