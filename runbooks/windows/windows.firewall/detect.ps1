# Which firewall profiles are off, or let unsolicited inbound traffic in?
$profiles = @(Get-NetFirewallProfile)
$state = [ordered]@{}
foreach ($p in $profiles) {
  $state["$($p.Name)"] = [ordered]@{ enabled = ("$($p.Enabled)" -eq 'True'); defaultInboundAction = "$($p.DefaultInboundAction)" }
}
$off = @($profiles | Where-Object { "$($_.Enabled)" -ne 'True' } | ForEach-Object { "$($_.Name)" })
$open = @($profiles | Where-Object { "$($_.DefaultInboundAction)" -eq 'Allow' } | ForEach-Object { "$($_.Name)" })
$problems = @()
if ($off.Count -gt 0) { $problems += "disabled: $($off -join ', ')" }
if ($open.Count -gt 0) { $problems += "inbound allowed by default: $($open -join ', ')" }
[ordered]@{
  status   = $(if ($problems.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'Domain, Private and Public profiles enabled, inbound blocked by default'
  actual   = $(if ($problems.Count -eq 0) { 'all profiles enabled, inbound blocked' } else { $problems -join '; ' })
  details  = [ordered]@{ profiles = $state; disabled = $off; inboundAllowed = $open }
} | ConvertTo-Json -Compress -Depth 5
