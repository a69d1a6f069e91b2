/**
 * The event-log threats of one cycle: read every Windows host's watched logs from its
 * bookmark (event-reader.ts), then evaluate the threat rules (threats.ts) over what was new and the
 * brute-force window. A host that cannot be read this cycle gets no verdict (its last one stands):
 * reachability is the scan's concern, not the threat rules'. Events count as reported only once
 * the bundle reporting them is signed (the daemon's `committed` hook), so none is reported twice
 * or never across a kill -9.
 */
import type { Database } from "bun:sqlite";
import type { Finding } from "../../../protocol/finding.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { eventsSince, markReported, readEvents, unreported } from "./event-reader.ts";
import { BRUTE_FORCE_WINDOW_MS, evaluateThreats } from "./threats.ts";

/** Reported events older than this are pruned (the bookmark, not the rows, prevents re-reading). */
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

/** One cycle's verdicts, and how to mark the events they report as reported. */
export interface ThreatCycle {
  findings: Finding[];
  /** Call once the findings are committed to evidence (in the same transaction, for exactly once). */
  markReported(): void;
}

/**
 * Read every host and judge the events and log gaps not yet reported (those read now and any a
 * killed daemon stored but never signed), without marking them: the caller marks them with the bundle.
 */
export async function evaluateThreatCycle(opts: ThreatProviderOptions): Promise<ThreatCycle> {
  const now = (opts.now ?? (() => new Date()))().getTime();
  const hosts: string[] = [];
  await Promise.all(
    opts.executors().map(async (ex) => {
      try {
        await readEvents(opts.db, ex, { ...(opts.maxEvents ? { maxEvents: opts.maxEvents } : {}) });
        hosts.push(ex.host);
      } catch (e) {
        opts.log?.("event logs not read", { host: ex.host, error: (e as Error).message });
      }
    }),
  );
  // Only reported events are pruned: an old event read late is still judged once.
  opts.db.query("DELETE FROM winevt_event WHERE at < ? AND reported = 1").run(now - KEEP_MS);
  const fresh = unreported(opts.db, hosts);
  const findings = evaluateThreats({
    hosts: hosts.sort(),
    fresh: fresh.events,
    failedLogons: eventsSince(opts.db, [4625], now - BRUTE_FORCE_WINDOW_MS),
    gaps: fresh.gaps,
    now,
  });
  return { findings, markReported: () => markReported(opts.db, fresh.upTo) };
}

/** One cycle of reading and judging every host, its events marked reported at once. */
export async function collectThreats(opts: ThreatProviderOptions): Promise<Finding[]> {
  const cycle = await evaluateThreatCycle(opts);
  cycle.markReported();
  return cycle.findings;
}
