$cfg = Get-SmbServerConfiguration
[ordered]@{
  status   = $(if ($cfg.EnableSMB1Protocol) { 'fail' } else { 'pass' })
  expected = 'SMBv1 disabled'
  actual   = $(if ($cfg.EnableSMB1Protocol) { 'SMBv1 enabled' } else { 'SMBv1 disabled' })
  details  = [ordered]@{ enableSMB1Protocol = [bool]$cfg.EnableSMB1Protocol; enableSMB2Protocol = [bool]$cfg.EnableSMB2Protocol; requireSecuritySignature = [bool]$cfg.RequireSecuritySignature }
} | ConvertTo-Json -Compress -Depth 5
