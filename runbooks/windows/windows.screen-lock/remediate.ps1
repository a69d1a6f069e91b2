$path = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
$value = (Get-ItemProperty -Path $path -Name InactivityTimeoutSecs -ErrorAction SilentlyContinue).InactivityTimeoutSecs
New-ItemProperty -Path $path -Name InactivityTimeoutSecs -Value $Params.max_seconds -PropertyType DWord -Force | Out-Null
[ordered]@{ changed = $true; details = [ordered]@{ before = [ordered]@{ value = $value }; value = $Params.max_seconds } } | ConvertTo-Json -Compress -Depth 5
