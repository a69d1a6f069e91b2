# Turn BitLocker on for every fixed volume: the system drive first (TPM protector), then each data
# drive (recovery password, unlocked by the system drive at boot); make sure each has a recovery
# password and back it up. Recovery passwords go out under details.escrow: the agent sends them
# to the cloud (POST /agent/escrow, stored encrypted) and strips them before anything reaches evidence.
$all = @(Get-BitLockerVolume)
# The system drive first: a data drive can only be auto-unlocked once the system drive is protected.
$vols = @($all | Where-Object { $_.VolumeType -eq 'OperatingSystem' }) + @($all | Where-Object { $_.VolumeType -eq 'FixedData' })
$before = @($vols | ForEach-Object {
  [ordered]@{
    volume           = "$($_.MountPoint)"
    protectionStatus = "$($_.ProtectionStatus)"
    protectorIds     = @($_.KeyProtector | ForEach-Object { "$($_.KeyProtectorId)" })
  }
})
$changed = $false
$escrow = @()
$adBackup = $true
foreach ($v in $vols) {
  $drive = "$($v.MountPoint)"
  $system = $v.VolumeType -eq 'OperatingSystem'
  if ($v.ProtectionStatus -ne 'On') {
    if ($system) {
      Enable-BitLocker -MountPoint $drive -EncryptionMethod $Params.encryption_method -UsedSpaceOnly -TpmProtector -SkipHardwareTest | Out-Null
    } else {
      Enable-BitLocker -MountPoint $drive -EncryptionMethod $Params.encryption_method -UsedSpaceOnly -RecoveryPasswordProtector | Out-Null
    }
    $changed = $true
  }
  $vol = Get-BitLockerVolume -MountPoint $drive
  $recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
  if ($recovery.Count -eq 0) {
    Add-BitLockerKeyProtector -MountPoint $drive -RecoveryPasswordProtector | Out-Null
    $changed = $true
    $vol = Get-BitLockerVolume -MountPoint $drive
    $recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
  }
  if (-not $system -and $vol.AutoUnlockEnabled -ne $true) {
    Enable-BitLockerAutoUnlock -MountPoint $drive | Out-Null
    $changed = $true
  }
  $key = $recovery[0]
  try {
    Backup-BitLockerKeyProtector -MountPoint $drive -KeyProtectorId $key.KeyProtectorId | Out-Null
  } catch {
    $adBackup = $false
  }
  $escrow += [ordered]@{
    volume           = $drive
    protectorId      = "$($key.KeyProtectorId)"
    recoveryPassword = "$($key.RecoveryPassword)"
  }
}
[ordered]@{
  changed = $changed
  details = [ordered]@{
    before   = [ordered]@{ volumes = $before }
    volumes  = @($escrow | ForEach-Object { $_.volume })
    adBackup = $adBackup
    escrow   = $escrow
  }
} | ConvertTo-Json -Compress -Depth 6
