# Interactive logon: machine inactivity limit (seconds; 0 or absent means never).
$path = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
$value = (Get-ItemProperty -Path $path -Name InactivityTimeoutSecs -ErrorAction SilentlyContinue).InactivityTimeoutSecs
$ok = $null -ne $value -and $value -gt 0 -and $value -le $Params.max_seconds
[ordered]@{
  status   = $(if ($ok) { 'pass' } else { 'fail' })
  expected = "screen locks after at most $($Params.max_seconds) s idle"
  actual   = $(if ($null -eq $value -or $value -eq 0) { 'no inactivity limit' } else { "locks after $value s" })
  details  = [ordered]@{ inactivityTimeoutSecs = $value }
} | ConvertTo-Json -Compress -Depth 5
