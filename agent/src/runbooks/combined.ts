/**
 * One PowerShell script that detects the host's role and runs every check that applies to it in a
 * single WinRM command (a scan of fifty checks costs one round of Create/Command/Receive, not
 * fifty). It first prints `##malachor## .role ok <role>` (from Win32_OperatingSystem.ProductType:
 * 1 workstation, 2 domain controller, 3 server); then each check runs in its own script block with
 * its own $Params and error trap, guarded by its roles, and prints one marked line:
 * `##malachor## <check-id> ok <json>` or `##malachor## <check-id> error <message>`.
 */
import type { Json } from "../../../protocol/common.ts";
import { WINDOWS_ROLES, type WindowsRole } from "../../../runbooks/catalogue.ts";
import { psLiteral } from "./prelude.ts";

const MARK = "##malachor##";
/** The pseudo-id of the role line. */
export const ROLE_LINE = ".role";

/** One check in the combined scan. */
export interface ScanItem {
  id: string;
  detect: string;
  params: Record<string, Json>;
  roles: readonly WindowsRole[];
}

/** The combined scan script for these checks. */
export function combinedDetectScript(items: readonly ScanItem[]): string {
  const parts = [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    "$Prior = $null",
    "$__type = (Get-CimInstance -ClassName Win32_OperatingSystem).ProductType",
    "$__role = $(if ($__type -eq 1) { 'workstation' } elseif ($__type -eq 2) { 'domain-controller' } else { 'server' })",
    `Write-Output ('${MARK} ${ROLE_LINE} ok ' + $__role)`,
  ];
  for (const { id, detect, params, roles } of items) {
    const p = Object.entries(params)
      .map(([k, x]) => `${psLiteral(k)} = ${psLiteral(x)}`)
      .join("; ");
    const everywhere = WINDOWS_ROLES.every((r) => roles.includes(r));
    parts.push(
      `# ${id}`,
      everywhere ? "if ($true) {" : `if (${psLiteral([...roles])} -contains $__role) {`,
      `$Params = @{ ${p} }`,
      "try {",
      `  $__out = & {\n${detect}\n}`,
      `  Write-Output ('${MARK} ${id} ok ' + (@($__out) | Select-Object -Last 1))`,
      "} catch {",
      `  Write-Output ('${MARK} ${id} error ' + ("$_" -replace '\\s+', ' '))`,
      "}",
      "}",
    );
  }
  return parts.join("\n");
}

/** One check's line from the combined output. */
export type CombinedResult = { ok: true; json: string } | { ok: false; error: string };

/** Parse the marked lines; checks missing from the output are absent from the map. */
export function parseCombinedOutput(stdout: string): Map<string, CombinedResult> {
  const out = new Map<string, CombinedResult>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^##malachor## (\S+) (ok|error) ?(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, kind, rest] = m as unknown as [string, string, string, string];
    out.set(id, kind === "ok" ? { ok: true, json: rest } : { ok: false, error: rest || "failed" });
  }
  return out;
}
