# Each target value must now be what net accounts reports.
$text = (net accounts) -join "`n"
$checks = [ordered]@{
  minLength        = ($text -match "Minimum password length:\s+$($Params.min_length)\b")
  lockoutThreshold = ($text -match "Lockout threshold:\s+$($Params.lockout_threshold)\b")
  lockoutDuration  = ($text -match "Lockout duration \(minutes\):\s+$($Params.lockout_minutes)\b")
}
$failed = @($checks.Keys | Where-Object { -not $checks[$_] })
[ordered]@{
  status   = $(if ($failed.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "length $($Params.min_length), lockout $($Params.lockout_threshold) failures for $($Params.lockout_minutes) min"
  actual   = $(if ($failed.Count -eq 0) { 'policy matches' } else { "not applied: $($failed -join ', ')" })
  details  = [ordered]@{ checks = $checks }
} | ConvertTo-Json -Compress -Depth 5
