# Turn off again exactly the profiles remediation turned on.
$profiles = @($Prior.disabled)
if ($profiles.Count -gt 0) { Set-NetFirewallProfile -Profile $profiles -Enabled False }
[ordered]@{ restored = $true; details = [ordered]@{ disabledAgain = $profiles } } | ConvertTo-Json -Compress -Depth 5
