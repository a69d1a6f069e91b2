$path = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
if ($null -eq $Prior.value) {
  Remove-ItemProperty -Path $path -Name InactivityTimeoutSecs -ErrorAction SilentlyContinue
} else {
  Set-ItemProperty -Path $path -Name InactivityTimeoutSecs -Value $Prior.value
}
[ordered]@{ restored = $true; details = [ordered]@{ value = $Prior.value } } | ConvertTo-Json -Compress -Depth 5
