if ($Prior.enabled) { Enable-LocalUser -Name $Prior.name }
[ordered]@{ restored = $true; details = [ordered]@{ name = $Prior.name; enabled = [bool]$Prior.enabled } } | ConvertTo-Json -Compress -Depth 5
