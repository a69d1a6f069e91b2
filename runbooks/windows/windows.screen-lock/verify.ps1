# Read the value back exactly as Windows will apply it.
$value = Get-ItemPropertyValue -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -Name InactivityTimeoutSecs -ErrorAction SilentlyContinue
$ok = $null -ne $value -and $value -gt 0 -and $value -le $Params.max_seconds
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "InactivityTimeoutSecs between 1 and $($Params.max_seconds)"
  actual   = "InactivityTimeoutSecs = $value"
  details  = [ordered]@{ inactivityTimeoutSecs = $value }
} | ConvertTo-Json -Compress -Depth 5
