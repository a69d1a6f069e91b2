$restoredLogs = @()
foreach ($name in @($Prior.logs.Keys)) {
  $p = $Prior.logs[$name]
  if ($p.overflowAction -eq 'OverwriteOlder') {
    Limit-EventLog -LogName $name -MaximumSize ($p.maximumKilobytes * 1KB) -OverflowAction OverwriteOlder -RetentionDays $p.retentionDays
  } else {
    Limit-EventLog -LogName $name -MaximumSize ($p.maximumKilobytes * 1KB) -OverflowAction $p.overflowAction
  }
  $restoredLogs += $name
}
[ordered]@{ restored = $true; details = [ordered]@{ logs = $restoredLogs } } | ConvertTo-Json -Compress -Depth 5
