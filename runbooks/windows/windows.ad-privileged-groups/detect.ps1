# Recursive members of the three privileged groups, as group: account.
$members = @()
foreach ($group in @('Domain Admins', 'Enterprise Admins', 'Administrators')) {
  foreach ($m in @(Get-ADGroupMember -Identity $group -Recursive)) { $members += "$($group): $($m.SamAccountName)" }
}
$members = @($members | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the members approved at baseline'
  actual   = "$($members.Count) privileged memberships"
  details  = [ordered]@{ items = $members }
} | ConvertTo-Json -Compress -Depth 5
