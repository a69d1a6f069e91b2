# Members of the local Administrators group; the appliance compares them with this host's baseline. runbooks/baseline.ts prints them.
$items = @(Get-LocalGroupMember -Group 'Administrators' | ForEach-Object { "$($_.Name)" })
