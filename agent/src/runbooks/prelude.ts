/**
 * How parameters reach scripts. PowerShell gets a prelude defining `$Params` (hashtable) and
 * `$Prior`, with errors terminating; shell scripts get MALACHOR_PARAM_<NAME> variables and
 * MALACHOR_PRIOR (JSON).
 */
import type { Json } from "../../../protocol/common.ts";
import type { ScriptInput } from "./executor.ts";

/** A JSON value as a PowerShell literal (strings single-quoted, objects as [ordered] hashtables). */
export function psLiteral(v: Json): string {
  if (v === null) return "$null";
  if (typeof v === "boolean") return v ? "$true" : "$false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot pass ${v} to PowerShell`);
    return String(v);
  }
  if (typeof v === "string") return `'${v.replace(/['‘’‚‛]/g, "''")}'`;
  if (Array.isArray(v)) return `@(${v.map(psLiteral).join(", ")})`;
  return `[ordered]@{ ${Object.entries(v)
    .map(([k, x]) => `${psLiteral(k)} = ${psLiteral(x)}`)
    .join("; ")} }`;
}

/** The full PowerShell text for one runbook script. */
export function powerShellScript(script: string, input: ScriptInput): string {
  const params = Object.entries(input.params)
    .map(([k, x]) => `${psLiteral(k)} = ${psLiteral(x)}`)
    .join("; ");
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    `$Params = @{ ${params} }`,
    `$Prior = ${psLiteral(input.prior ?? null)}`,
    script,
  ].join("\n");
}

/** Environment variables for one shell runbook script. */
export function shellEnv(input: ScriptInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, x] of Object.entries(input.params)) {
    env[`MALACHOR_PARAM_${k.toUpperCase().replace(/[-.]/g, "_")}`] =
      typeof x === "string" ? x : JSON.stringify(x);
  }
  if (input.prior !== undefined) env.MALACHOR_PRIOR = JSON.stringify(input.prior);
  return env;
}
