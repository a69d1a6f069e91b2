$logs = @(Get-EventLog -List | Where-Object { @('Security', 'System', 'Application') -contains $_.Log })
$bad = @($logs | Where-Object {
  $min = $(if ($_.Log -eq 'Security') { $Params.security_min_kb } else { $Params.other_min_kb })
  $_.MaximumKilobytes -lt $min -or "$($_.OverflowAction)" -eq 'DoNotOverwrite'
} | ForEach-Object { "$($_.Log)" })
[ordered]@{
  status   = $(if ($bad.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'all three logs at or above their minimum size, overwriting as needed'
  actual   = $(if ($bad.Count -eq 0) { 'all adequate' } else { "still inadequate: $($bad -join ', ')" })
  details  = [ordered]@{ inadequate = $bad }
} | ConvertTo-Json -Compress -Depth 5
