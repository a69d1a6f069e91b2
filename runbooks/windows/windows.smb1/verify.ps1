$smb1 = [bool](Get-SmbServerConfiguration).EnableSMB1Protocol
[ordered]@{
  status   = $(if ($smb1) { 'fail' } else { 'pass' })
  expected = 'EnableSMB1Protocol = False'
  actual   = "EnableSMB1Protocol = $smb1"
  details  = [ordered]@{ enableSMB1Protocol = $smb1 }
} | ConvertTo-Json -Compress -Depth 5
