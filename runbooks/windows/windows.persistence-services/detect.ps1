# Every service with the program it runs. runbooks/baseline.ts prints them.
$items = @(Get-CimInstance -ClassName 'Win32_Service' | ForEach-Object { "$($_.Name) => $($_.PathName)" })
