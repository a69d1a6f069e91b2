$path = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
Set-ItemProperty -Path $path -Name UserAuthentication -Value $Prior.userAuthentication
Set-ItemProperty -Path $path -Name SecurityLayer -Value $Prior.securityLayer
[ordered]@{ restored = $true; details = [ordered]@{ userAuthentication = $Prior.userAuthentication; securityLayer = $Prior.securityLayer } } | ConvertTo-Json -Compress -Depth 5
