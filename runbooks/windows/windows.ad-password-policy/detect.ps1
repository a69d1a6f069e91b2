# The Default Domain Policy's password and lockout settings.
$p = Get-ADDefaultDomainPasswordPolicy
$problems = @()
if ($p.MinPasswordLength -lt $Params.min_length) { $problems += "minimum length $($p.MinPasswordLength)" }
if (-not $p.ComplexityEnabled) { $problems += 'complexity off' }
if ($p.PasswordHistoryCount -lt 12) { $problems += "history $($p.PasswordHistoryCount)" }
if ($p.LockoutThreshold -eq 0 -or $p.LockoutThreshold -gt $Params.max_lockout_threshold) { $problems += "lockout threshold $($p.LockoutThreshold)" }
[ordered]@{
  status   = $(if ($problems.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "length >= $($Params.min_length), complexity on, history >= 12, lockout after 1-$($Params.max_lockout_threshold) failures"
  actual   = $(if ($problems.Count -eq 0) { 'as expected' } else { $problems -join ', ' })
  details  = [ordered]@{
    minPasswordLength    = $p.MinPasswordLength
    complexityEnabled    = $p.ComplexityEnabled
    passwordHistoryCount = $p.PasswordHistoryCount
    lockoutThreshold     = $p.LockoutThreshold
    maxPasswordAgeDays   = [Math]::Round($p.MaxPasswordAge.TotalDays)
  }
} | ConvertTo-Json -Compress -Depth 5
