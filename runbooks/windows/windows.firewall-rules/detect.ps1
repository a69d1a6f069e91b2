# Enabled inbound Allow rules whose port filter opens a risky port, or every port.
$risky = @('21', '23', '69', '445', '3389', '4444', '5985', '5986')
$open = @()
foreach ($rule in @(Get-NetFirewallRule -Direction Inbound -Enabled True -Action Allow)) {
  $filter = $rule | Get-NetFirewallPortFilter
  $ports = @($filter.LocalPort | ForEach-Object { "$_" })
  $hit = @($ports | Where-Object { $_ -eq 'Any' -or $risky -contains $_ })
  if ($hit.Count -gt 0) { $open += [ordered]@{ name = "$($rule.Name)"; ports = ($ports -join ','); protocol = "$($filter.Protocol)" } }
}
[ordered]@{
  status   = $(if ($open.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'no enabled inbound Allow rule for ports 21, 23, 69, 445, 3389, 4444, 5985, 5986 or any port'
  actual   = $(if ($open.Count -eq 0) { 'none' } else { ($open | ForEach-Object { "$($_.name) ($($_.protocol) $($_.ports))" }) -join ', ' })
  details  = [ordered]@{ rules = $open }
} | ConvertTo-Json -Compress -Depth 5
