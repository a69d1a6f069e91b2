$logs = @(Get-EventLog -List | Where-Object { @('Security', 'System', 'Application') -contains $_.Log })
$before = [ordered]@{}
foreach ($l in $logs) {
  $min = $(if ($l.Log -eq 'Security') { $Params.security_min_kb } else { $Params.other_min_kb })
  if ($l.MaximumKilobytes -lt $min -or "$($l.OverflowAction)" -eq 'DoNotOverwrite') {
    $before["$($l.Log)"] = [ordered]@{ maximumKilobytes = $l.MaximumKilobytes; overflowAction = "$($l.OverflowAction)"; retentionDays = $l.MinimumRetentionDays }
    $size = [Math]::Max($l.MaximumKilobytes, $min)
    Limit-EventLog -LogName $l.Log -MaximumSize ($size * 1KB) -OverflowAction OverwriteAsNeeded
  }
}
[ordered]@{ changed = ($before.Count -gt 0); details = [ordered]@{ before = [ordered]@{ logs = $before } } } | ConvertTo-Json -Compress -Depth 6
