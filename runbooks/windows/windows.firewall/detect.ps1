# Which firewall profiles are off?
$profiles = @(Get-NetFirewallProfile)
$enabled = [ordered]@{}
foreach ($p in $profiles) { $enabled["$($p.Name)"] = ("$($p.Enabled)" -eq 'True') }
$off = @($profiles | Where-Object { "$($_.Enabled)" -ne 'True' } | ForEach-Object { "$($_.Name)" })
[ordered]@{
  status   = $(if ($off.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'Domain, Private and Public profiles enabled'
  actual   = $(if ($off.Count -eq 0) { 'all profiles enabled' } else { "disabled: $($off -join ', ')" })
  details  = [ordered]@{ enabled = $enabled; disabled = $off }
} | ConvertTo-Json -Compress -Depth 5
