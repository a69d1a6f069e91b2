/** Where runbook scripts run: a Windows host over WinRM, or this machine's shell. */
import type { Json } from "../../../protocol/common.ts";
import type { Platform } from "../../../protocol/runbook.ts";

/** Raw result of one script. */
export interface ScriptRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** What a script is given besides its text. */
export interface ScriptInput {
  /** Parameters already checked against the runbook's bounds. */
  params: Record<string, Json>;
  /** For rollback: the `details.before` that remediation printed. */
  prior?: Json;
}

/** Runs runbook scripts of one platform on one host. */
export interface RunbookExecutor {
  readonly platform: Platform;
  readonly host: string;
  run(script: string, input: ScriptInput, timeoutMs: number): Promise<ScriptRun>;
}
