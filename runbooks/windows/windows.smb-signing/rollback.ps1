if (-not $Prior.requireSecuritySignature) { Set-SmbServerConfiguration -RequireSecuritySignature $false -Force -Confirm:$false }
[ordered]@{ restored = $true; details = [ordered]@{ requireSecuritySignature = [bool]$Prior.requireSecuritySignature } } | ConvertTo-Json -Compress -Depth 5
