# Put the captured policy back (window first so it never exceeds the duration).
$out = net accounts "/lockoutwindow:$($Prior.lockoutWindow)" "/lockoutduration:$($Prior.lockoutDuration)" "/lockoutthreshold:$($Prior.lockoutThreshold)" "/minpwlen:$($Prior.minLength)"
if ($LASTEXITCODE -ne 0) { throw "net accounts failed with exit code $($LASTEXITCODE): $out" }
[ordered]@{ restored = $true; details = [ordered]@{ policy = $Prior } } | ConvertTo-Json -Compress -Depth 5
