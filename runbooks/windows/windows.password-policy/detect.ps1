# Read the effective policy from net accounts (works on members and domain controllers).
$text = (net accounts) -join "`n"
$minLength = 0; $threshold = 0; $duration = 0; $window = 0
if ($text -match 'Minimum password length:\s+(\d+)') { $minLength = [int]$Matches[1] }
if ($text -match 'Lockout threshold:\s+(\d+)') { $threshold = [int]$Matches[1] }
if ($text -match 'Lockout duration \(minutes\):\s+(\d+)') { $duration = [int]$Matches[1] }
if ($text -match 'Lockout observation window \(minutes\):\s+(\d+)') { $window = [int]$Matches[1] }
$problems = @()
if ($minLength -lt $Params.min_length) { $problems += "minimum length $minLength" }
if ($threshold -eq 0) { $problems += 'no lockout' } elseif ($threshold -gt $Params.lockout_threshold) { $problems += "lockout after $threshold failures" }
if ($threshold -gt 0 -and $duration -lt $Params.lockout_minutes) { $problems += "lockout lasts $duration min" }
[ordered]@{
  status   = $(if ($problems.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "length >= $($Params.min_length), lockout after <= $($Params.lockout_threshold) failures for >= $($Params.lockout_minutes) min"
  actual   = "length $minLength, lockout threshold $threshold, duration $duration min, window $window min"
  details  = [ordered]@{ minLength = $minLength; lockoutThreshold = $threshold; lockoutDuration = $duration; lockoutWindow = $window; problems = $problems }
} | ConvertTo-Json -Compress -Depth 5
