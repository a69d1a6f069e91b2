# One-off backup of the critical volumes (includes a VSS snapshot); a failure is an error.
$out = wbadmin start backup "-backupTarget:$($Params.backup_target)" -include:C: -allCritical -quiet
if ($LASTEXITCODE -ne 0) { throw "wbadmin failed with exit code $($LASTEXITCODE): $(($out | Select-Object -Last 2) -join ' ')" }
[ordered]@{ changed = $true; details = [ordered]@{ target = $Params.backup_target } } | ConvertTo-Json -Compress -Depth 5
