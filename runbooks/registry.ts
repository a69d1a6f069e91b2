/**
 * Registry-policy runbooks: a runbook.toml with `[[registry]]` settings (key path, value name,
 * type, wanted value, comparison) instead of scripts. The four scripts are generated from one
 * template here, so twenty hardening settings share one reviewed piece of PowerShell: detect
 * reads every value, remediate writes those that are off (creating missing keys) and prints what
 * it found, rollback puts back exactly that (removing values and keys it created).
 */
import * as v from "valibot";

/** One registry value a runbook enforces. */
export const RegistrySetting = v.strictObject({
  /** `HKLM:\…` key path. */
  path: v.pipe(v.string(), v.regex(/^HKLM:\\[^'\r\n]+$/, "must be an HKLM:\\ key path without quotes")),
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_ .-]{1,80}$/, "must be a registry value name")),
  type: v.picklist(["DWord", "String"]),
  /** The value remediation writes. */
  value: v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.regex(/^[^'\r\n]*$/))]),
  /** How the present value is judged against `value` (numbers only for ge/le); default eq. */
  compare: v.optional(v.picklist(["eq", "ge", "le"]), "eq"),
});
export type RegistrySetting = v.InferOutput<typeof RegistrySetting>;

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const lit = (x: number | string) => (typeof x === "number" ? String(x) : q(x));

/** The settings as a PowerShell array of hashtables. */
function table(settings: readonly RegistrySetting[]): string {
  const rows = settings.map(
    (s) =>
      `  [ordered]@{ path = ${q(s.path)}; name = ${q(s.name)}; type = ${q(s.type)}; want = ${lit(s.value)}; compare = ${q(s.compare)} }`,
  );
  return `$settings = @(\n${rows.join(",\n")}\n)`;
}

// Sets $value (null when the key or value is missing) and $ok for the setting in $s.
const READ = `  $value = $null
  if (Test-Path -Path $s.path) {
    $value = Get-ItemPropertyValue -Path $s.path -Name $s.name -ErrorAction SilentlyContinue
  }
  $ok = $false
  if ($null -ne $value) {
    if ($s.compare -eq 'ge') { $ok = [int]$value -ge $s.want }
    elseif ($s.compare -eq 'le') { $ok = [int]$value -le $s.want }
    else { $ok = "$value" -eq "$($s.want)" }
  }`;

const wanted = (s: RegistrySetting) =>
  `${s.name} ${s.compare === "ge" ? "≥ " : s.compare === "le" ? "≤ " : "= "}${s.value}`;

/** detect.ps1 for these settings. */
export function registryDetect(settings: readonly RegistrySetting[]): string {
  const expected = settings.map(wanted).join(", ");
  return `${table(settings)}
$found = [ordered]@{}
$off = @()
foreach ($s in $settings) {
${READ}
  $found["$($s.name)"] = $value
  if (-not $ok) { $off += "$($s.name) = $(if ($null -eq $value) { 'not set' } else { $value })" }
}
[ordered]@{
  status   = $(if ($off.Count -eq 0) { 'pass' } else { 'fail' })
  expected = ${q(expected)}
  actual   = $(if ($off.Count -eq 0) { 'as expected' } else { $off -join ', ' })
  details  = [ordered]@{ values = $found }
} | ConvertTo-Json -Compress -Depth 5
`;
}

/** remediate.ps1: write the values that are off; `before` lists what each was and created keys. */
export function registryRemediate(settings: readonly RegistrySetting[]): string {
  return `${table(settings)}
$before = @()
foreach ($s in $settings) {
${READ}
  if (-not $ok) {
    $created = -not (Test-Path -Path $s.path)
    if ($created) { New-Item -Path $s.path -Force | Out-Null }
    New-ItemProperty -Path $s.path -Name $s.name -Value $s.want -PropertyType $s.type -Force | Out-Null
    $before += [ordered]@{ path = $s.path; name = $s.name; type = $s.type; value = $value; createdKey = $created }
  }
}
[ordered]@{ changed = ($before.Count -gt 0); details = [ordered]@{ before = $before } } | ConvertTo-Json -Compress -Depth 5
`;
}

/** rollback.ps1: restore each value remediate changed; remove keys it created. */
export function registryRollback(): string {
  return `$restored = @()
foreach ($p in @($Prior)) {
  if ($null -eq $p.value) {
    Remove-ItemProperty -Path $p.path -Name $p.name -ErrorAction SilentlyContinue
  } else {
    New-ItemProperty -Path $p.path -Name $p.name -Value $p.value -PropertyType $p.type -Force | Out-Null
  }
  if ($p.createdKey) { Remove-Item -Path $p.path -ErrorAction SilentlyContinue }
  $restored += $p.name
}
[ordered]@{ restored = $true; details = [ordered]@{ values = $restored } } | ConvertTo-Json -Compress -Depth 5
`;
}
