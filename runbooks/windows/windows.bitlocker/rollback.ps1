# Undo what remediation added, volume by volume: turn protection back off where it was off, else
# remove the protectors remediation created.
$disabled = @()
$removed = @()
foreach ($p in @($Prior.volumes)) {
  $drive = "$($p.volume)"
  $vol = Get-BitLockerVolume -MountPoint $drive
  $keep = @($p.protectorIds)
  if ($p.protectionStatus -ne 'On' -and $vol.ProtectionStatus -eq 'On') {
    Disable-BitLocker -MountPoint $drive | Out-Null
    $disabled += $drive
  } else {
    foreach ($kp in @($vol.KeyProtector)) {
      if ($keep -notcontains "$($kp.KeyProtectorId)") {
        Remove-BitLockerKeyProtector -MountPoint $drive -KeyProtectorId $kp.KeyProtectorId | Out-Null
        $removed += "$($kp.KeyProtectorId)"
      }
    }
  }
}
[ordered]@{ restored = $true; details = [ordered]@{ disabled = $disabled; removedProtectors = $removed } } | ConvertTo-Json -Compress -Depth 5
