# Is the system drive BitLocker-protected with a recovery password protector?
$drive = $env:SystemDrive
$vol = Get-BitLockerVolume -MountPoint $drive
$recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
$status = 'fail'
if ($vol.ProtectionStatus -eq 'On' -and $recovery.Count -gt 0) { $status = 'pass' }
[ordered]@{
  status   = $status
  expected = "protection On with a recovery password protector on $drive"
  actual   = "protection $($vol.ProtectionStatus), $($vol.VolumeStatus), $($recovery.Count) recovery password protector(s)"
  details  = [ordered]@{
    volume             = $drive
    protectionStatus   = "$($vol.ProtectionStatus)"
    volumeStatus       = "$($vol.VolumeStatus)"
    encryptionMethod   = "$($vol.EncryptionMethod)"
    recoveryProtectors = $recovery.Count
  }
} | ConvertTo-Json -Compress -Depth 5
