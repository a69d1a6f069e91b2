/**
 * The event-log threat CheckProvider: each cycle, read every Windows host's watched logs from its
 * bookmark (event-reader.ts), then evaluate the threat rules (threats.ts) over what was new and the
 * brute-force window. A host that cannot be read this cycle gets no verdict (its last one stands):
 * reachability is the scan's concern, not the threat rules'.
 */
import type { Database } from "bun:sqlite";
import type { Finding } from "../../../protocol/finding.ts";
import type { CheckProvider } from "../daemon/providers.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { eventsSince, readEvents, type StoredEvent } from "./event-reader.ts";
import { BRUTE_FORCE_WINDOW_MS, evaluateThreats, type ThreatInput } from "./threats.ts";

/** Events older than this are pruned (the bookmark, not the rows, prevents re-reading). */
const KEEP_MS = 24 * 3_600_000;

/** Options of the provider. */
export interface ThreatProviderOptions {
  db: Database;
  executors: () => readonly RunbookExecutor[];
  now?: () => Date;
  /** Largest batch per log and read (default 1000). */
  maxEvents?: number;
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

/** One cycle of reading and judging every host. */
export async function collectThreats(opts: ThreatProviderOptions): Promise<Finding[]> {
  const now = (opts.now ?? (() => new Date()))().getTime();
  const hosts: string[] = [];
  const fresh: StoredEvent[] = [];
  const gaps: ThreatInput["gaps"][number][] = [];
  await Promise.all(
    opts.executors().map(async (ex) => {
      try {
        const r = await readEvents(opts.db, ex, { ...(opts.maxEvents ? { maxEvents: opts.maxEvents } : {}) });
        hosts.push(ex.host);
        fresh.push(...r.events);
        for (const w of r.wrapped) gaps.push({ host: ex.host, log: w.log, lost: w.lost });
        for (const log of r.reset) gaps.push({ host: ex.host, log, reset: true });
      } catch (e) {
        opts.log?.("event logs not read", { host: ex.host, error: (e as Error).message });
      }
    }),
  );
  opts.db.query("DELETE FROM winevt_event WHERE at < ?").run(now - KEEP_MS);
  return evaluateThreats({
    hosts: hosts.sort(),
    fresh,
    failedLogons: eventsSince(opts.db, [4625], now - BRUTE_FORCE_WINDOW_MS),
    gaps,
    now,
  });
}

/** The threat rules as a CheckProvider. */
export function windowsThreatProvider(opts: ThreatProviderOptions): CheckProvider {
  return { name: "windows-threats", collect: () => collectThreats(opts) };
}
