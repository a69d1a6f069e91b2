# Recursive members of the three privileged groups, as group: account. runbooks/baseline.ts prints them.
$items = @()
foreach ($group in @('Domain Admins', 'Enterprise Admins', 'Administrators')) {
  foreach ($m in @(Get-ADGroupMember -Identity $group -Recursive)) { $items += "$($group): $($m.SamAccountName)" }
}
