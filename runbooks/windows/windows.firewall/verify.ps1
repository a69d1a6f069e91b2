# Count the profiles that report Enabled; all three must.
$on = @(Get-NetFirewallProfile -Profile Domain, Private, Public | Where-Object { "$($_.Enabled)" -eq 'True' })
[ordered]@{
  status   = $(if ($on.Count -eq 3) { 'pass' } else { 'fail' })
  expected = '3 of 3 profiles enabled'
  actual   = "$($on.Count) of 3 profiles enabled"
  details  = [ordered]@{ enabledProfiles = @($on | ForEach-Object { "$($_.Name)" }) }
} | ConvertTo-Json -Compress -Depth 5
