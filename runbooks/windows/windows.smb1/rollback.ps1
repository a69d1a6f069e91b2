if ($Prior.enableSMB1Protocol) { Set-SmbServerConfiguration -EnableSMB1Protocol $true -Force -Confirm:$false }
[ordered]@{ restored = $true; details = [ordered]@{ enableSMB1Protocol = [bool]$Prior.enableSMB1Protocol } } | ConvertTo-Json -Compress -Depth 5
