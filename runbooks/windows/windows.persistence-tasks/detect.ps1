# Scheduled tasks outside \Microsoft\, as path + name + what they run.
$tasks = @(Get-ScheduledTask | Where-Object { $_.TaskPath -notlike '\Microsoft\*' } | ForEach-Object {
    "$($_.TaskPath)$($_.TaskName) => $(@($_.Actions | ForEach-Object { $_.Execute }) -join '; ')"
  } | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the tasks present at baseline'
  actual   = "$($tasks.Count) non-Microsoft tasks"
  details  = [ordered]@{ items = $tasks }
} | ConvertTo-Json -Compress -Depth 5
