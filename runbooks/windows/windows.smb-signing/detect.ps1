$cfg = Get-SmbServerConfiguration
$required = [bool]$cfg.RequireSecuritySignature
[ordered]@{
  status   = $(if ($required) { 'pass' } else { 'fail' })
  expected = 'SMB signing required'
  actual   = $(if ($required) { 'SMB signing required' } else { 'SMB signing not required' })
  details  = [ordered]@{ requireSecuritySignature = $required }
} | ConvertTo-Json -Compress -Depth 5
