# Enable again exactly the rules remediation disabled.
$names = @($Prior.enabled)
foreach ($name in $names) { Set-NetFirewallRule -Name $name -Enabled True }
[ordered]@{ restored = $true; details = [ordered]@{ rules = $names } } | ConvertTo-Json -Compress -Depth 5
