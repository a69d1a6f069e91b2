/**
 * Service-state runbooks: a runbook.toml with `[[service]]` entries (service name and wanted state)
 * instead of scripts, generated from one template like the registry runbooks (registry.ts).
 * "disabled" means stopped with start type Disabled; "running" means running with start type
 * Automatic. A service that is not installed passes a "disabled" want and fails a "running" one.
 */
import * as v from "valibot";

/** One service a runbook holds in a state. */
export const ServiceSetting = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,80}$/, "must be a service name")),
  want: v.picklist(["disabled", "running"]),
});
export type ServiceSetting = v.InferOutput<typeof ServiceSetting>;

function table(services: readonly ServiceSetting[]): string {
  const rows = services.map((s) => `  [ordered]@{ name = '${s.name}'; want = '${s.want}' }`);
  return `$services = @(\n${rows.join(",\n")}\n)`;
}

// Sets $svc (null when not installed) and $ok for the entry in $s.
const READ = `  $svc = Get-Service -Name $s.name -ErrorAction SilentlyContinue
  if ($s.want -eq 'disabled') {
    $ok = $null -eq $svc -or ("$($svc.Status)" -eq 'Stopped' -and "$($svc.StartType)" -eq 'Disabled')
  } else {
    $ok = $null -ne $svc -and "$($svc.Status)" -eq 'Running' -and "$($svc.StartType)" -eq 'Automatic'
  }`;

/** detect.ps1 for these services. */
export function serviceDetect(services: readonly ServiceSetting[]): string {
  const expected = services.map(
    (s) => `${s.name} ${s.want === "disabled" ? "stopped and disabled" : "running, automatic"}`,
  );
  return `${table(services)}
$found = [ordered]@{}
$off = @()
foreach ($s in $services) {
${READ}
  $found["$($s.name)"] = $(if ($null -eq $svc) { 'not installed' } else { "$($svc.Status)/$($svc.StartType)" })
  if (-not $ok) { $off += "$($s.name) is $($found["$($s.name)"])" }
}
[ordered]@{
  status   = $(if ($off.Count -eq 0) { 'pass' } else { 'fail' })
  expected = '${expected.join(", ")}'
  actual   = $(if ($off.Count -eq 0) { 'as expected' } else { $off -join ', ' })
  details  = [ordered]@{ services = $found }
} | ConvertTo-Json -Compress -Depth 5
`;
}

/** remediate.ps1: bring each service to its state; `before` keeps status and start type. */
export function serviceRemediate(services: readonly ServiceSetting[]): string {
  return `${table(services)}
$before = @()
foreach ($s in $services) {
${READ}
  if (-not $ok) {
    if ($null -eq $svc) { throw "service $($s.name) is not installed on this host" }
    $before += [ordered]@{ name = $s.name; status = "$($svc.Status)"; startType = "$($svc.StartType)" }
    if ($s.want -eq 'disabled') {
      Stop-Service -Name $s.name -Force
      Set-Service -Name $s.name -StartupType Disabled
    } else {
      Set-Service -Name $s.name -StartupType Automatic
      Start-Service -Name $s.name
    }
  }
}
[ordered]@{ changed = ($before.Count -gt 0); details = [ordered]@{ before = $before } } | ConvertTo-Json -Compress -Depth 5
`;
}

/** rollback.ps1: start type first, then the running state each service had. */
export function serviceRollback(): string {
  return `$restored = @()
foreach ($p in @($Prior)) {
  Set-Service -Name $p.name -StartupType $p.startType
  if ($p.status -eq 'Running') { Start-Service -Name $p.name } else { Stop-Service -Name $p.name -Force }
  $restored += $p.name
}
[ordered]@{ restored = $true; details = [ordered]@{ services = $restored } } | ConvertTo-Json -Compress -Depth 5
`;
}
