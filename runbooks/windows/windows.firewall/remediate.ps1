# Enable only the profiles that are off, and remember them for rollback.
$off = @(Get-NetFirewallProfile | Where-Object { "$($_.Enabled)" -ne 'True' } | ForEach-Object { "$($_.Name)" })
if ($off.Count -gt 0) { Set-NetFirewallProfile -Profile $off -Enabled True }
[ordered]@{ changed = ($off.Count -gt 0); details = [ordered]@{ before = [ordered]@{ disabled = $off }; enabled = $off } } | ConvertTo-Json -Compress -Depth 5
