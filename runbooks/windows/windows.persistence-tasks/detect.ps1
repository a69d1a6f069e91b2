# Scheduled tasks outside \Microsoft\, as path + name + what they run. runbooks/baseline.ts prints them.
$items = @(Get-ScheduledTask | Where-Object { $_.TaskPath -notlike '\Microsoft\*' } | ForEach-Object {
    "$($_.TaskPath)$($_.TaskName) => $(@($_.Actions | ForEach-Object { $_.Execute }) -join '; ')"
  })
