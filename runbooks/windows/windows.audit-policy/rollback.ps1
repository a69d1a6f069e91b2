# Restore each changed subcategory to its captured success/failure flags.
$restoredNames = @()
foreach ($name in @($Prior.settings.Keys)) {
  $setting = $Prior.settings[$name]
  $success = $(if ($setting -eq 'Success' -or $setting -eq 'Success and Failure') { 'enable' } else { 'disable' })
  $failure = $(if ($setting -eq 'Failure' -or $setting -eq 'Success and Failure') { 'enable' } else { 'disable' })
  $out = auditpol /set "/subcategory:$name" "/success:$success" "/failure:$failure"
  if ($LASTEXITCODE -ne 0) { throw "auditpol could not restore '$name' (exit $($LASTEXITCODE)): $out" }
  $restoredNames += $name
}
[ordered]@{ restored = $true; details = [ordered]@{ subcategories = $restoredNames } } | ConvertTo-Json -Compress -Depth 5
