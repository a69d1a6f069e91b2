# Put back exactly the settings remediation changed, profile by profile.
$restoredProfiles = @()
foreach ($name in @($Prior.Keys)) {
  $p = $Prior[$name]
  $enabled = $(if ($p.enabled) { 'True' } else { 'False' })
  Set-NetFirewallProfile -Profile $name -Enabled $enabled -DefaultInboundAction $p.defaultInboundAction
  $restoredProfiles += $name
}
[ordered]@{ restored = $true; details = [ordered]@{ profiles = $restoredProfiles } } | ConvertTo-Json -Compress -Depth 5
