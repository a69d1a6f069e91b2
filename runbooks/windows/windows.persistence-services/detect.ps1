# Every service with the program it runs.
$services = @(Get-CimInstance -ClassName 'Win32_Service' | ForEach-Object { "$($_.Name) => $($_.PathName)" } | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the services present at baseline'
  actual   = "$($services.Count) services"
  details  = [ordered]@{ items = $services }
} | ConvertTo-Json -Compress -Depth 5
