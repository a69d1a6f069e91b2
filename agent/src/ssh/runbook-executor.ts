/**
 * Runs Linux and macOS runbook scripts on an SSH host: a fresh connection per script (through the
 * same host-key pins and concurrency limit as scans), the script on the remote `/bin/sh`'s stdin
 * with its parameters exported in front of it (sshd passes no environment of ours).
 */
import type { RunbookExecutor, ScriptInput, ScriptRun } from "../runbooks/executor.ts";
import { shellEnv } from "../runbooks/prelude.ts";
import { connectSsh } from "./connection.ts";
import type { Limiter } from "./limiter.ts";
import { decideHostKey, type PinStore, verdictOf } from "./pins.ts";
import { shQuote } from "./scan-script.ts";
import type { SshTarget } from "./target.ts";

/** What the executor shares with the scanner. */
export interface SshExecutorOptions {
  pins: PinStore;
  limiter: Limiter;
  allowPassword: boolean;
  connectTimeoutMs: number;
  maxBytes: number;
}

/** A RunbookExecutor for one SSH target. */
export class SshRunbookExecutor implements RunbookExecutor {
  readonly platform: "linux" | "macos";
  readonly host: string;
  constructor(
    private readonly target: SshTarget,
    private readonly opts: SshExecutorOptions,
  ) {
    this.platform = target.os;
    this.host = target.name;
  }

  run(script: string, input: ScriptInput, timeoutMs: number): Promise<ScriptRun> {
    const o = this.opts;
    const pinKey = `${this.target.host}:${this.target.port}`;
    return o.limiter.run(async () => {
      // Only a key already pinned (or configured) is accepted: a runbook never pins on first use.
      const session = await connectSsh(this.target, {
        connectTimeoutMs: o.connectTimeoutMs,
        allowPassword: o.allowPassword,
        verifyHostKey: (seen) => {
          const pinned = o.pins.get(pinKey);
          if (!pinned && !this.target.hostKey)
            return { accept: false, reason: "host key not pinned yet: scan the host first" };
          return verdictOf(decideHostKey(seen, this.target.hostKey, pinned, new Date()));
        },
      });
      try {
        const exports = Object.entries(shellEnv(input))
          .map(([k, x]) => `${k}=${shQuote(x)}; export ${k}`)
          .join("\n");
        const r = await session.exec("/bin/sh -s", {
          stdin: `${exports}\n${script}\n`,
          timeoutMs,
          maxBytes: o.maxBytes,
        });
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
      } finally {
        session.close();
      }
    });
  }
}
