# Enabled accounts whose last sign-in is older than the limit, or that never signed in.
$cutoff = (Get-Date).AddDays(-$Params.max_inactive_days)
$stale = @(Get-ADUser -Filter 'Enabled -eq $true' -Properties LastLogonDate | Where-Object {
    $null -eq $_.LastLogonDate -or $_.LastLogonDate -lt $cutoff
  } | ForEach-Object { "$($_.SamAccountName)" } | Sort-Object)
[ordered]@{
  status   = $(if ($stale.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "every enabled account signed in within $($Params.max_inactive_days) days"
  actual   = $(if ($stale.Count -eq 0) { 'none inactive' } else { "$($stale.Count) inactive: $($stale -join ', ')" })
  details  = [ordered]@{ inactive = $stale }
} | ConvertTo-Json -Compress -Depth 5
