# After remediation: every fixed volume protected, with a recovery password; data volumes unlock
# with the system volume at boot.
$vols = @(Get-BitLockerVolume | Where-Object { $_.VolumeType -eq 'OperatingSystem' -or $_.VolumeType -eq 'FixedData' })
$bad = @(foreach ($vol in $vols) {
  $recovery = @($vol.KeyProtector | Where-Object { $_.KeyProtectorType -eq 'RecoveryPassword' })
  $locked = $vol.VolumeType -eq 'FixedData' -and $vol.AutoUnlockEnabled -ne $true
  if ($vol.ProtectionStatus -ne 'On' -or $recovery.Count -eq 0 -or $locked) { "$($vol.MountPoint)" }
})
[ordered]@{
  status   = $(if ($vols.Count -gt 0 -and $bad.Count -eq 0) { 'pass' } else { 'fail' })
  expected = 'protection On with a recovery password protector on every fixed volume, data volumes auto-unlocked'
  actual   = $(if ($bad.Count -eq 0) { "$($vols.Count) fixed volume(s) protected" } else { "not protected: $($bad -join ', ')" })
  details  = [ordered]@{ volumes = $vols.Count; unprotected = $bad }
} | ConvertTo-Json -Compress -Depth 5
