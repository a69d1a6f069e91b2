/** Runs Linux runbook scripts on this machine with /bin/sh. */
import type { RunbookExecutor, ScriptInput, ScriptRun } from "./executor.ts";
import { shellEnv } from "./prelude.ts";

/** A RunbookExecutor for the appliance itself. `env` adds variables (e.g. MALACHOR_ROOT in tests). */
export class LocalShellExecutor implements RunbookExecutor {
  readonly platform = "linux" as const;
  constructor(
    readonly host: string,
    readonly env: Record<string, string> = {},
  ) {}

  async run(script: string, input: ScriptInput, timeoutMs: number): Promise<ScriptRun> {
    const proc = Bun.spawn(["/bin/sh", "-c", script, "malachor-runbook"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...this.env, ...shellEnv(input) },
      stdout: "pipe",
      stderr: "pipe",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (proc.signalCode === "SIGKILL")
      return { stdout, stderr: `${stderr}\ntimed out after ${timeoutMs} ms`, exitCode: 124 };
    return { stdout, stderr, exitCode };
  }
}
