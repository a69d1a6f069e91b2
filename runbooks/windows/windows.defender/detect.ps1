# Real-time protection on, signatures no older than max_signature_age_days?
$s = Get-MpComputerStatus
$age = [int][Math]::Floor(((Get-Date) - $s.AntivirusSignatureLastUpdated).TotalDays)
$problems = @()
if (-not $s.RealTimeProtectionEnabled) { $problems += 'real-time protection off' }
if ($age -gt $Params.max_signature_age_days) { $problems += "signatures $age days old" }
$status = if ($problems.Count -eq 0) { 'pass' } else { 'fail' }
[ordered]@{
  status   = $status
  expected = "real-time protection on, signatures at most $($Params.max_signature_age_days) days old"
  actual   = $(if ($problems.Count -eq 0) { "real-time protection on, signatures $age days old" } else { $problems -join '; ' })
  details  = [ordered]@{
    realTimeProtectionEnabled = [bool]$s.RealTimeProtectionEnabled
    antivirusEnabled          = [bool]$s.AntivirusEnabled
    signatureAgeDays          = $age
    signatureVersion          = "$($s.AntivirusSignatureVersion)"
  }
} | ConvertTo-Json -Compress -Depth 5
