# Every value under the machine-wide Run and RunOnce keys, as key name = command. runbooks/baseline.ts prints them.
$items = @()
foreach ($leaf in @('Run', 'RunOnce')) {
  $key = "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\$leaf"
  if (Test-Path -Path $key) {
    foreach ($name in @((Get-Item -Path $key).Property)) {
      $items += "$leaf\$name = $(Get-ItemPropertyValue -Path $key -Name $name)"
    }
  }
}
