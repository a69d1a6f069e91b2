/**
 * Hosts nobody monitors: a host whose every check errors cycle after cycle (unreachable, WinRM
 * credentials refused) drifts unseen, so after `[heal] unmonitored_after_cycles` such cycles in a row
 * it gets an incident of its own, closed automatically once its checks run again. Pure: the
 * healer keeps the counts and opens or resolves the incidents.
 */
import type { Finding } from "../../../protocol/finding.ts";

/** The check id of the monitoring incident (no check has it: it is about the checks themselves). */
export const MONITORING_CHECK_ID = "agent.host-monitoring";

/** Consecutive failed cycles per host. */
export type FailedCycles = Record<string, number>;

/** What one cycle says about each host's monitoring. */
export interface MonitoringVerdict {
  /** The counts to keep for the next cycle. */
  counts: FailedCycles;
  /** Hosts at or past the threshold, with the error to tell people. */
  unmonitored: Array<{ host: string; cycles: number; error: string }>;
  /** Hosts whose checks ran this cycle (an open monitoring incident for them can be closed). */
  monitored: string[];
}

/**
 * Count a cycle's findings per host: a host with findings that all errored has failed another
 * cycle; a host with any other result ran its checks. Hosts absent from the cycle keep their count.
 */
export function judgeMonitoring(
  findings: readonly Finding[],
  prev: FailedCycles,
  threshold: number,
): MonitoringVerdict {
  const byHost = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.checkId === MONITORING_CHECK_ID) continue;
    byHost.set(f.host, [...(byHost.get(f.host) ?? []), f]);
  }
  const counts: FailedCycles = { ...prev };
  const out: MonitoringVerdict = { counts, unmonitored: [], monitored: [] };
  for (const [host, list] of byHost) {
    if (list.some((f) => f.status !== "error")) {
      delete counts[host];
      out.monitored.push(host);
      continue;
    }
    counts[host] = (counts[host] ?? 0) + 1;
    if (counts[host] >= threshold)
      out.unmonitored.push({ host, cycles: counts[host], error: list[0]?.actual ?? "checks errored" });
  }
  return out;
}

/** The finding a monitoring incident is opened from. */
export function unmonitoredFinding(u: MonitoringVerdict["unmonitored"][number], observedAt: string): Finding {
  return {
    checkId: MONITORING_CHECK_ID,
    host: u.host,
    status: "error",
    severity: "high",
    title: `Compliance checks run on ${u.host}`,
    citations: ["§164.308(a)(1)(ii)(D)", "§164.312(b)"],
    expected: "the host's checks run every cycle",
    actual: `every check failed ${u.cycles} cycles in a row: ${u.error}`.slice(0, 500),
    details: { failedCycles: u.cycles },
    observedAt,
  };
}
