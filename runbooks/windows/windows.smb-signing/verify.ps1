$required = [bool](Get-SmbServerConfiguration).RequireSecuritySignature
[ordered]@{
  status   = $(if ($required) { 'pass' } else { 'fail' })
  expected = 'RequireSecuritySignature = True'
  actual   = "RequireSecuritySignature = $required"
  details  = [ordered]@{ requireSecuritySignature = $required }
} | ConvertTo-Json -Compress -Depth 5
