/**
 * The daemon's Windows provider from `[windows]`: the scan by role of every configured host, then
 * the event-log threat rules over the same hosts. The two run one after the other, so each host's
 * one WinRM shell serves one command at a time. The events the threat findings report are marked
 * reported in the transaction that signs them (`committed`).
 */
import type { Database } from "bun:sqlite";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import type { Config } from "../config/schema.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import type { Logger } from "../log/logger.ts";
import { sqliteBaselines } from "../runbooks/baselines.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { type WindowsTarget, windowsCheckProvider } from "../runbooks/windows-checks.ts";
import { evaluateThreatCycle } from "./threat-provider.ts";

type WindowsRole = NonNullable<Config["windows"]["hosts"][number]["role"]>;

/** The Windows provider for the configured hosts. */
export function windowsProviderFromConfig(p: {
  config: Config;
  db: Database;
  /** The daemon's one executor per Windows host, in order. */
  executors: () => readonly RunbookExecutor[];
  /** The Windows hosts in use (config file and cloud); default the config file's. */
  hosts?: () => readonly { host: string; role?: WindowsRole | undefined }[];
  log: Logger;
}): CheckProvider {
  const w = p.config.windows;
  const targets = (): WindowsTarget[] =>
    p.executors().map((executor) => {
      const hosts = p.hosts?.() ?? w.hosts;
      const role = hosts.find((h) => h.host.toLowerCase() === executor.host.toLowerCase())?.role;
      return { executor, ...(role ? { role } : {}) };
    });
  const scan = windowsCheckProvider({
    checks: WINDOWS_CHECKS,
    targets,
    cadenceSec: {
      ...(w.server_interval_sec ? { server: w.server_interval_sec } : {}),
      ...(w.domain_controller_interval_sec ? { "domain-controller": w.domain_controller_interval_sec } : {}),
      ...(w.workstation_interval_sec ? { workstation: w.workstation_interval_sec } : {}),
    },
    baselines: sqliteBaselines(p.db),
  });
  // Marks the events the last cycle's threat findings report; applied when its bundle is signed.
  let pending: (() => void) | undefined;
  return {
    name: "windows",
    // A scan of fifty checks and a drained event log take longer than one check's timeout.
    timeoutMs: Math.max(p.config.checks.timeout_sec * 1000 * 3, 240_000),
    async collect(ctx) {
      if (p.executors().length === 0) return [];
      if (!ctx.onDemand) pending = undefined;
      const found = await scan.collect(ctx);
      // Events are read once; an order's on-demand run must not take them from the next cycle.
      if (ctx.onDemand) return found;
      const threats = await evaluateThreatCycle({
        db: p.db,
        executors: p.executors,
        log: (msg, fields) => p.log.warn(msg, fields),
      });
      pending = threats.markReported;
      return [...found, ...threats.findings.filter((f) => !ctx.disabled.has(f.checkId))];
    },
    committed() {
      pending?.();
      pending = undefined;
    },
  };
}
