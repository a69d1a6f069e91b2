/**
 * Discovery in the daemon: a pass rides the check cycle once `[discovery] interval_sec` has gone
 * by, and its report goes into the queue's telemetry stream (shed first; a newer pass supersedes
 * it). It yields no findings of its own: what it found is shown in the cloud, per site, and the
 * names it found name hosts on the local status page (names.ts).
 */
import type { Database } from "bun:sqlite";
import type { Host } from "../checks/host.ts";
import type { Config } from "../config/schema.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import type { Logger } from "../log/logger.ts";
import { getMeta, setMeta } from "../queue/db.ts";
import type { Queue } from "../queue/queue.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { discover } from "./discover.ts";
import { keepNames } from "./names.ts";

const LAST = "discovery.last-pass";

/** The discovery provider (no findings; a DeviceReport queued when a pass is due). */
export function discoveryProvider(p: {
  config: Config;
  db: Database;
  queue: Pick<Queue, "enqueue">;
  host: Host;
  /** Windows executors with their configured role (DCs, or role unknown, are asked for AD computers). */
  windows: () => readonly { executor: RunbookExecutor; role?: string | undefined }[];
  log: Logger;
  now?: () => Date;
}): CheckProvider {
  const s = p.config.discovery;
  const now = p.now ?? (() => new Date());
  return {
    name: "discovery",
    timeoutMs: 240_000,
    async collect(ctx) {
      if (!s.enabled || ctx.onDemand) return [];
      const last = Number(getMeta(p.db, LAST) ?? 0);
      if (now().getTime() - last < s.interval_sec * 1000) return [];
      const { report, problems } = await discover({
        host: p.host,
        settings: s,
        domainControllers: () =>
          p
            .windows()
            .filter((w) => w.role === undefined || w.role === "domain-controller")
            .map((w) => w.executor),
        now,
        signal: ctx.signal,
      });
      for (const problem of problems) p.log.debug("discovery source skipped", { problem });
      p.queue.enqueue({
        stream: "telemetry",
        key: `devices:${report.observedAt}`,
        payload: JSON.stringify(report),
      });
      keepNames(p.db, report);
      setMeta(p.db, LAST, String(now().getTime()));
      p.log.info("discovery pass", { devices: report.devices.length });
      return [];
    },
  };
}
