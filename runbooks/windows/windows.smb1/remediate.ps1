$before = [bool](Get-SmbServerConfiguration).EnableSMB1Protocol
if ($before) { Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force -Confirm:$false }
[ordered]@{ changed = $before; details = [ordered]@{ before = [ordered]@{ enableSMB1Protocol = $before } } } | ConvertTo-Json -Compress -Depth 5
