# Installed updates stay (uninstalling patches is never safe); put the service back as it was.
Set-Service -Name wuauserv -StartupType $Prior.startType
if ($Prior.status -eq 'Stopped') { Stop-Service -Name wuauserv }
[ordered]@{ restored = $true; details = [ordered]@{ startType = $Prior.startType; status = $Prior.status } } | ConvertTo-Json -Compress -Depth 5
