# Members of the local Administrators group; the appliance compares them with this host's baseline.
$members = @(Get-LocalGroupMember -Group 'Administrators' | ForEach-Object { "$($_.Name)" } | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the members approved at baseline'
  actual   = "$($members.Count) members"
  details  = [ordered]@{ items = $members }
} | ConvertTo-Json -Compress -Depth 5
