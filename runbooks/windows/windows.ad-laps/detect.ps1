# Member computers (not DCs) with no LAPS password expiry (Windows LAPS or legacy LAPS attribute).
$computers = @(Get-ADComputer -Filter * -Properties 'msLAPS-PasswordExpirationTime', 'ms-Mcs-AdmPwdExpirationTime', 'PrimaryGroupID' |
    Where-Object { $_.PrimaryGroupID -ne 516 })
$missing = @($computers | Where-Object {
    $null -eq $_.'msLAPS-PasswordExpirationTime' -and $null -eq $_.'ms-Mcs-AdmPwdExpirationTime'
  } | ForEach-Object { "$($_.Name)" } | Sort-Object)
[ordered]@{
  status   = $(if ($computers.Count -gt 0 -and $missing.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'a LAPS-managed password on every member computer'
  actual   = $(if ($missing.Count -eq 0) { "$($computers.Count) of $($computers.Count) managed" } else { "$($missing.Count) of $($computers.Count) without LAPS: $($missing -join ', ')" })
  details  = [ordered]@{ withoutLaps = $missing; computers = $computers.Count }
} | ConvertTo-Json -Compress -Depth 5
