$before = [bool](Get-SmbServerConfiguration).RequireSecuritySignature
if (-not $before) { Set-SmbServerConfiguration -RequireSecuritySignature $true -Force -Confirm:$false }
[ordered]@{ changed = (-not $before); details = [ordered]@{ before = [ordered]@{ requireSecuritySignature = $before } } } | ConvertTo-Json -Compress -Depth 5
