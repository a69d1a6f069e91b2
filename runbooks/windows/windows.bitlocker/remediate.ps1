# Turn BitLocker on (TPM protector), make sure a recovery password exists, back it up.
# The recovery password goes out under details.escrow: the agent sends it to the cloud
# (POST /agent/escrow, stored encrypted) and strips it before anything reaches evidence.
$drive = $env:SystemDrive
$vol = Get-BitLockerVolume -MountPoint $drive
$before = [ordered]@{
  protectionStatus = "$($vol.ProtectionStatus)"
  protectorIds     = @($vol.KeyProtector | ForEach-Object { "$($_.KeyProtectorId)" })
}
$changed = $false
if ($vol.ProtectionStatus -ne 'On') {
  Enable-BitLocker -MountPoint $drive -EncryptionMethod $Params.encryption_method -UsedSpaceOnly -TpmProtector -SkipHardwareTest | Out-Null
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
$key = $recovery[0]
$adBackup = $false
try {
  Backup-BitLockerKeyProtector -MountPoint $drive -KeyProtectorId $key.KeyProtectorId | Out-Null
  $adBackup = $true
} catch {
  $adBackup = $false
}
[ordered]@{
  changed = $changed
  details = [ordered]@{
    before           = $before
    protectionStatus = "$($vol.ProtectionStatus)"
    adBackup         = $adBackup
    escrow           = [ordered]@{
      volume           = $drive
      protectorId      = "$($key.KeyProtectorId)"
      recoveryPassword = "$($key.RecoveryPassword)"
    }
  }
} | ConvertTo-Json -Compress -Depth 5
