# Count the profiles that are on and block inbound by default; all three must.
$good = @(Get-NetFirewallProfile -Profile Domain, Private, Public | Where-Object { "$($_.Enabled)" -eq 'True' -and "$($_.DefaultInboundAction)" -eq 'Block' })
[ordered]@{
  status   = $(if ($good.Count -eq 3) { 'pass' } else { 'fail' })
  expected = '3 of 3 profiles enabled with inbound blocked'
  actual   = "$($good.Count) of 3 profiles enabled with inbound blocked"
  details  = [ordered]@{ compliantProfiles = @($good | ForEach-Object { "$($_.Name)" }) }
} | ConvertTo-Json -Compress -Depth 5
