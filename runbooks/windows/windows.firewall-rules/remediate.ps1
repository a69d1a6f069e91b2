# Disable (never delete) each risky rule; remember which ones for rollback.
$risky = @('21', '23', '69', '445', '3389', '4444', '5985', '5986')
$disabled = @()
foreach ($rule in @(Get-NetFirewallRule -Direction Inbound -Enabled True -Action Allow)) {
  $ports = @(($rule | Get-NetFirewallPortFilter).LocalPort | ForEach-Object { "$_" })
  if (@($ports | Where-Object { $_ -eq 'Any' -or $risky -contains $_ }).Count -gt 0) {
    Set-NetFirewallRule -Name $rule.Name -Enabled False
    $disabled += "$($rule.Name)"
  }
}
[ordered]@{ changed = ($disabled.Count -gt 0); details = [ordered]@{ before = [ordered]@{ enabled = $disabled } } } | ConvertTo-Json -Compress -Depth 5
