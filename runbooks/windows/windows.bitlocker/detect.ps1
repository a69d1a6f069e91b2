# Is every fixed volume (the system drive and each fixed data drive) BitLocker-protected with a
# recovery password protector? Removable drives are the removable-storage policy's concern.
$vols = @(Get-BitLockerVolume | Where-Object { $_.VolumeType -eq 'OperatingSystem' -or $_.VolumeType -eq 'FixedData' })
$report = @(foreach ($vol in $vols) {
  $recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
  [ordered]@{
    volume             = "$($vol.MountPoint)"
    volumeType         = "$($vol.VolumeType)"
    protected          = ($vol.ProtectionStatus -eq 'On' -and $recovery.Count -gt 0)
    protectionStatus   = "$($vol.ProtectionStatus)"
    volumeStatus       = "$($vol.VolumeStatus)"
    encryptionMethod   = "$($vol.EncryptionMethod)"
    recoveryProtectors = $recovery.Count
  }
})
$unprotected = @($report | Where-Object { -not $_.protected } | ForEach-Object { $_.volume })
$busy = @($report | Where-Object { $_.volumeStatus -eq 'EncryptionInProgress' -or $_.volumeStatus -eq 'DecryptionInProgress' })
$status = 'fail'
if ($report.Count -gt 0 -and $unprotected.Count -eq 0) { $status = 'pass' }
$system = @($report | Where-Object { $_.volumeType -eq 'OperatingSystem' })
[ordered]@{
  status   = $status
  expected = 'protection On with a recovery password protector on every fixed volume'
  actual   = $(if ($unprotected.Count -eq 0) { "$($report.Count) fixed volume(s) protected" } else { "not protected: $($unprotected -join ', ')" })
  details  = [ordered]@{
    volumes     = $report
    unprotected = $unprotected
    inProgress  = ($busy.Count -gt 0)
    volumeStatus = $(if ($system.Count -gt 0) { $system[0].volumeStatus } else { '' })
  }
} | ConvertTo-Json -Compress -Depth 5
