# Capture the current policy, then set the targets in one net accounts call.
$text = (net accounts) -join "`n"
$before = [ordered]@{ minLength = 0; lockoutThreshold = 0; lockoutDuration = 30; lockoutWindow = 30 }
if ($text -match 'Minimum password length:\s+(\d+)') { $before.minLength = [int]$Matches[1] }
if ($text -match 'Lockout threshold:\s+(\d+)') { $before.lockoutThreshold = [int]$Matches[1] }
if ($text -match 'Lockout duration \(minutes\):\s+(\d+)') { $before.lockoutDuration = [int]$Matches[1] }
if ($text -match 'Lockout observation window \(minutes\):\s+(\d+)') { $before.lockoutWindow = [int]$Matches[1] }
$out = net accounts "/minpwlen:$($Params.min_length)" "/lockoutthreshold:$($Params.lockout_threshold)" "/lockoutduration:$($Params.lockout_minutes)" "/lockoutwindow:$($Params.lockout_minutes)"
if ($LASTEXITCODE -ne 0) { throw "net accounts failed with exit code $($LASTEXITCODE): $out" }
[ordered]@{ changed = $true; details = [ordered]@{ before = $before } } | ConvertTo-Json -Compress -Depth 5
