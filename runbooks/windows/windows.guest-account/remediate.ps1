$guest = Get-LocalUser | Where-Object { $_.SID -like '*-501' } | Select-Object -First 1
$was = [bool]$guest.Enabled
if ($was) { Disable-LocalUser -Name $guest.Name }
[ordered]@{ changed = $was; details = [ordered]@{ before = [ordered]@{ name = "$($guest.Name)"; enabled = $was } } } | ConvertTo-Json -Compress -Depth 5
