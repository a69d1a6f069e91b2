# Every value under the machine-wide Run and RunOnce keys, as key name = command.
$entries = @()
foreach ($leaf in @('Run', 'RunOnce')) {
  $key = "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\$leaf"
  if (Test-Path -Path $key) {
    foreach ($name in @((Get-Item -Path $key).Property)) {
      $entries += "$leaf\$name = $(Get-ItemPropertyValue -Path $key -Name $name)"
    }
  }
}
$entries = @($entries | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the autostart entries present at baseline'
  actual   = "$($entries.Count) entries"
  details  = [ordered]@{ items = $entries }
} | ConvertTo-Json -Compress -Depth 5
