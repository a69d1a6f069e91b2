# Change only the profiles that need it, and remember their settings for rollback.
$before = [ordered]@{}
foreach ($p in @(Get-NetFirewallProfile)) {
  $enabled = "$($p.Enabled)" -eq 'True'
  $inbound = "$($p.DefaultInboundAction)"
  if (-not $enabled -or $inbound -eq 'Allow') {
    $before["$($p.Name)"] = [ordered]@{ enabled = $enabled; defaultInboundAction = $inbound }
    Set-NetFirewallProfile -Profile $p.Name -Enabled True -DefaultInboundAction Block
  }
}
[ordered]@{ changed = ($before.Count -gt 0); details = [ordered]@{ before = $before } } | ConvertTo-Json -Compress -Depth 5
