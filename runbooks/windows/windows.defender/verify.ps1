# Both halves of the fix must hold: scanning on access and current signatures.
$s = Get-MpComputerStatus
$age = [int][Math]::Floor(((Get-Date) - $s.AntivirusSignatureLastUpdated).TotalDays)
$ok = $s.RealTimeProtectionEnabled -and $age -le $Params.max_signature_age_days
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "real-time protection on, signatures at most $($Params.max_signature_age_days) days old"
  actual   = "real-time protection $(if ($s.RealTimeProtectionEnabled) { 'on' } else { 'off' }), signatures $age days old"
  details  = [ordered]@{ realTimeProtectionEnabled = [bool]$s.RealTimeProtectionEnabled; signatureAgeDays = $age }
} | ConvertTo-Json -Compress -Depth 5
