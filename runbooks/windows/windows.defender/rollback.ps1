# Signature updates cannot be taken back; restore the real-time monitoring setting.
$restoredSetting = $false
if (-not $Prior.realTimeProtectionEnabled) {
  Set-MpPreference -DisableRealtimeMonitoring $true
  $restoredSetting = $true
}
[ordered]@{ restored = $true; details = [ordered]@{ realTimeMonitoringDisabledAgain = $restoredSetting } } | ConvertTo-Json -Compress -Depth 5
