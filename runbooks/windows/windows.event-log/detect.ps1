$logs = @(Get-EventLog -List | Where-Object { @('Security', 'System', 'Application') -contains $_.Log })
$problems = @()
$sizes = [ordered]@{}
foreach ($l in $logs) {
  $min = $(if ($l.Log -eq 'Security') { $Params.security_min_kb } else { $Params.other_min_kb })
  $sizes["$($l.Log)"] = [ordered]@{ maximumKilobytes = $l.MaximumKilobytes; overflowAction = "$($l.OverflowAction)" }
  if ($l.MaximumKilobytes -lt $min) { $problems += "$($l.Log) $($l.MaximumKilobytes) KB" }
  if ("$($l.OverflowAction)" -eq 'DoNotOverwrite') { $problems += "$($l.Log) stops when full" }
}
[ordered]@{
  status   = $(if ($problems.Count -eq 0) { 'pass' } else { 'fail' })
  expected = "Security >= $($Params.security_min_kb) KB, System/Application >= $($Params.other_min_kb) KB, never stop when full"
  actual   = $(if ($problems.Count -eq 0) { 'sizes and retention adequate' } else { $problems -join '; ' })
  details  = [ordered]@{ logs = $sizes }
} | ConvertTo-Json -Compress -Depth 5
