/**
 * One PowerShell script that runs the detect step of many runbooks in a single WinRM command
 * (a scan of every Windows check costs one round of Create/Command/Receive, not twelve). Each
 * detect runs in its own script block with its own $Params and error trap and prints one marked
 * line: `##malachor## <runbook-id> ok <json>` or `##malachor## <runbook-id> error <message>`.
 */
import type { Json } from "../../../protocol/common.ts";
import type { Runbook } from "../../../runbooks/catalogue.ts";
import { psLiteral } from "./prelude.ts";

const MARK = "##malachor##";

/** The combined detect script for these runbooks, each with its parameters. */
export function combinedDetectScript(items: { runbook: Runbook; params: Record<string, Json> }[]): string {
  const parts = [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    "$Prior = $null",
  ];
  for (const { runbook, params } of items) {
    const id = runbook.spec.id;
    const p = Object.entries(params)
      .map(([k, x]) => `${psLiteral(k)} = ${psLiteral(x)}`)
      .join("; ");
    parts.push(
      `# ${id}`,
      `$Params = @{ ${p} }`,
      "try {",
      `  $__out = & {\n${runbook.scripts.detect}\n}`,
      `  Write-Output ('${MARK} ${id} ok ' + (@($__out) | Select-Object -Last 1))`,
      "} catch {",
      `  Write-Output ('${MARK} ${id} error ' + ("$_" -replace '\\s+', ' '))`,
      "}",
    );
  }
  return parts.join("\n");
}

/** One runbook's line from the combined output. */
export type CombinedResult = { ok: true; json: string } | { ok: false; error: string };

/** Parse the marked lines; runbooks missing from the output are absent from the map. */
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
