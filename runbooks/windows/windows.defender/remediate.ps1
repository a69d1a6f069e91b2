# Re-enable real-time monitoring and pull fresh definitions when they are stale.
$s = Get-MpComputerStatus
$before = [ordered]@{ realTimeProtectionEnabled = [bool]$s.RealTimeProtectionEnabled }
$actions = @()
if (-not $s.RealTimeProtectionEnabled) {
  Set-MpPreference -DisableRealtimeMonitoring $false
  $actions += 'enabled real-time protection'
}
$age = [int][Math]::Floor(((Get-Date) - $s.AntivirusSignatureLastUpdated).TotalDays)
if ($age -gt $Params.max_signature_age_days) {
  Update-MpSignature
  $actions += 'updated signatures'
}
[ordered]@{ changed = ($actions.Count -gt 0); details = [ordered]@{ before = $before; actions = $actions } } | ConvertTo-Json -Compress -Depth 5
