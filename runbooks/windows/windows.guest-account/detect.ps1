# Find Guest by its well-known RID so a rename does not hide it.
$guest = Get-LocalUser | Where-Object { $_.SID -like '*-501' } | Select-Object -First 1
$enabled = [bool]$guest.Enabled
[ordered]@{
  status   = $(if ($enabled) { 'fail' } else { 'pass' })
  expected = 'Guest account disabled'
  actual   = $(if ($null -eq $guest) { 'no Guest account' } elseif ($enabled) { "Guest account '$($guest.Name)' enabled" } else { "Guest account '$($guest.Name)' disabled" })
  details  = [ordered]@{ name = "$($guest.Name)"; enabled = $enabled }
} | ConvertTo-Json -Compress -Depth 5
