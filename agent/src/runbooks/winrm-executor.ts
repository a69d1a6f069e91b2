/** Runs Windows runbook scripts through a WinRM client (PowerShell, chunked when long). */
import type { WinRmClient } from "../winrm/client.ts";
import type { RunbookExecutor, ScriptInput, ScriptRun } from "./executor.ts";
import { powerShellScript } from "./prelude.ts";

/** A RunbookExecutor for one Windows host. */
export class WinRmExecutor implements RunbookExecutor {
  readonly platform = "windows" as const;
  constructor(
    readonly client: WinRmClient,
    readonly host: string,
  ) {}

  run(script: string, input: ScriptInput, timeoutMs: number): Promise<ScriptRun> {
    return this.client.runPowerShell(powerShellScript(script, input), { timeoutMs });
  }
}
