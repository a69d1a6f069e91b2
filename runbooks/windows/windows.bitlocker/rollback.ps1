# Undo what remediation added: turn protection back off if it was off, else remove the
# protectors remediation created.
$drive = $env:SystemDrive
$vol = Get-BitLockerVolume -MountPoint $drive
$keep = @($Prior.protectorIds)
$removed = @()
$disabled = $false
if ($Prior.protectionStatus -ne 'On' -and $vol.ProtectionStatus -eq 'On') {
  Disable-BitLocker -MountPoint $drive | Out-Null
  $disabled = $true
} else {
  foreach ($kp in @($vol.KeyProtector)) {
    if ($keep -notcontains "$($kp.KeyProtectorId)") {
      Remove-BitLockerKeyProtector -MountPoint $drive -KeyProtectorId $kp.KeyProtectorId | Out-Null
      $removed += "$($kp.KeyProtectorId)"
    }
  }
}
[ordered]@{ restored = $true; details = [ordered]@{ disabled = $disabled; removedProtectors = $removed } } | ConvertTo-Json -Compress -Depth 5
