$guest = Get-LocalUser | Where-Object { $_.SID -like '*-501' } | Select-Object -First 1
$enabled = [bool]$guest.Enabled
[ordered]@{
  status   = $(if ($enabled) { 'fail' } else { 'pass' })
  expected = 'Enabled = False'
  actual   = "Enabled = $enabled"
  details  = [ordered]@{ name = "$($guest.Name)"; enabled = $enabled }
} | ConvertTo-Json -Compress -Depth 5
