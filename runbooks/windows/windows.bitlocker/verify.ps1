# After remediation: protection must be On and a recovery password must be present.
$drive = $env:SystemDrive
$vol = Get-BitLockerVolume -MountPoint $drive
$recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
$ok = $vol.ProtectionStatus -eq 'On' -and $recovery.Count -gt 0
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "protection On with a recovery password protector on $drive"
  actual   = "protection $($vol.ProtectionStatus), $($recovery.Count) recovery password protector(s)"
  details  = [ordered]@{ volume = $drive; protectionStatus = "$($vol.ProtectionStatus)"; recoveryProtectors = $recovery.Count }
} | ConvertTo-Json -Compress -Depth 5
