/**
 * Threat rules over Windows events (pure: events in, findings out). Each rule gives one finding per
 * host read this cycle: "fail" with the events as evidence while it fires, "pass" otherwise. They
 * are never fixed automatically: runbooks/rules/windows.rules.toml escalates each to people, and
 * the daemon and incident model scrub the event details of PHI.
 */
import type { JsonObject } from "../../../protocol/common.ts";
import type { Finding } from "../../../protocol/finding.ts";
import {
  BRUTE_FORCE_PER_HOST,
  BRUTE_FORCE_PER_SOURCE,
  THREAT_RULES,
  type ThreatRule,
} from "../../../runbooks/threats.ts";
import type { StoredEvent } from "./event-reader.ts";

export { BRUTE_FORCE_WINDOW_MS, THREAT_RULES } from "../../../runbooks/threats.ts";

const at = (ms: number) => new Date(ms).toISOString();
const field = (e: StoredEvent, i: number) => {
  const x = e.data[i];
  return x === undefined || x === "" || x === "-" ? undefined : x;
};

/** The evidence fields of an event, named per event id (Windows' EventData schema order). */
export function describeEvent(e: StoredEvent): JsonObject {
  const named: Record<number, Record<string, number>> = {
    4625: { user: 5, domain: 6, workstation: 13, source: 19 },
    4740: { user: 0, callerComputer: 1 },
    1102: { by: 1 },
    104: { by: 0 },
    4720: { account: 0, by: 4 },
    4728: { member: 0, group: 2, by: 6 },
    4732: { member: 0, group: 2, by: 6 },
    4756: { member: 0, group: 2, by: 6 },
    4688: { by: 1, process: 5, commandLine: 8 },
    7040: { service: 0, from: 1, to: 2 },
    1116: { threat: 7, path: 21 },
    1117: { threat: 7, path: 21 },
  };
  const out: JsonObject = { recordId: e.recordId, eventId: e.eventId, log: e.log, at: at(e.at) };
  for (const [k, i] of Object.entries(named[e.eventId] ?? {})) {
    const x = field(e, i);
    if (x !== undefined) out[k] = x.slice(0, 300);
  }
  return out;
}

const SHADOW_DELETE =
  /vssadmin(\.exe)?["']?\s+delete\s+shadows|wmic(\.exe)?["']?\s+shadowcopy\s+delete|win32_shadowcopy.*delete/i;

/** Is this process creation or service change a ransomware precursor? */
function ransomwarePrecursor(e: StoredEvent): boolean {
  if (e.eventId === 4688) return SHADOW_DELETE.test(`${field(e, 5) ?? ""} ${field(e, 8) ?? ""}`);
  if (e.eventId === 7040)
    return /volume shadow copy|^vss$/i.test(field(e, 0) ?? "") && /disabled/i.test(field(e, 2) ?? "");
  return false;
}

/** What the rules are given for one cycle. */
export interface ThreatInput {
  /** Hosts whose logs were read this cycle (each gets a verdict per rule). */
  hosts: readonly string[];
  /** Events first stored this cycle. */
  fresh: readonly StoredEvent[];
  /** Failed logons (4625) on every host within the brute-force window. */
  failedLogons: readonly StoredEvent[];
  /** Log wraps and clears found this cycle, by host. */
  gaps: readonly { host: string; log: string; lost?: number; reset?: boolean }[];
  now: number;
}

/** Evaluate every threat rule for every host read. */
export function evaluateThreats(input: ThreatInput): Finding[] {
  const out: Finding[] = [];
  const observedAt = at(input.now);
  const verdict = (
    rule: ThreatRule,
    host: string,
    hits: readonly StoredEvent[],
    details: JsonObject = {},
  ): Finding => {
    const fired = hits.length > 0;
    const ids = [...new Set(hits.map((e) => e.eventId))];
    const last = hits.reduce<StoredEvent | undefined>(
      (a, e) => (!a || e.at > a.at || (e.at === a.at && e.recordId > a.recordId) ? e : a),
      undefined,
    );
    return {
      checkId: rule.id,
      host,
      status: fired ? "fail" : "pass",
      severity: rule.severity,
      title: rule.title,
      citations: [...rule.citations],
      expected: `none of: ${rule.fires}`.slice(0, 500),
      // The newest event's log and record in `actual`: a new batch of events is a change of state,
      // so change-based evidence (evidence = "changes") signs each batch, not only the first.
      actual: last
        ? `${hits.length} event${hits.length === 1 ? "" : "s"} (${ids.join(", ")}), last ${last.log}#${last.recordId}`
        : "none",
      details: fired
        ? {
            ...details,
            ...(ids.length === 1 ? { eventId: ids[0] as number } : { eventIds: ids }),
            events: hits.slice(-20).map(describeEvent),
          }
        : {},
      observedAt,
    };
  };
  const sources = new Map<string, StoredEvent[]>();
  for (const e of input.failedLogons) {
    const src = field(e, 19);
    if (src) sources.set(src, [...(sources.get(src) ?? []), e]);
  }
  for (const host of input.hosts) {
    const mine = input.fresh.filter((e) => e.host === host);
    const of = (...ids: number[]) => mine.filter((e) => ids.includes(e.eventId));
    // Brute force: this host's burst, or a source that tried enough hosts in all.
    const onHost = input.failedLogons.filter((e) => e.host === host);
    const spraying = [...sources.entries()].filter(
      ([, es]) =>
        es.length >= BRUTE_FORCE_PER_SOURCE &&
        es.some((e) => e.host === host) &&
        new Set(es.map((e) => e.host)).size >= 2,
    );
    const burst = onHost.length >= BRUTE_FORCE_PER_HOST ? onHost : spraying.flatMap(([, es]) => es);
    out.push(
      verdict(THREAT_RULES.bruteForce, host, burst, {
        failedOnHost: onHost.length,
        sources: spraying.map(([src, es]) => ({
          source: src,
          failed: es.length,
          hosts: [...new Set(es.map((e) => e.host))],
        })),
      }),
      verdict(THREAT_RULES.lockout, host, of(4740)),
      verdict(THREAT_RULES.logCleared, host, of(1102, 104)),
      verdict(THREAT_RULES.accountChange, host, of(4720, 4728, 4732, 4756)),
      verdict(THREAT_RULES.ransomware, host, mine.filter(ransomwarePrecursor)),
      verdict(THREAT_RULES.malware, host, of(1116, 1117)),
    );
    const gaps = input.gaps.filter((g) => g.host === host);
    out.push({
      checkId: THREAT_RULES.logGap.id,
      host,
      status: gaps.length ? "warn" : "pass",
      severity: THREAT_RULES.logGap.severity,
      title: THREAT_RULES.logGap.title,
      citations: [...THREAT_RULES.logGap.citations],
      expected: "every watched event read before the log overwrote it",
      actual: gaps.length
        ? gaps
            .map((g) => (g.reset ? `${g.log} was cleared` : `${g.log} wrapped: ${g.lost} events lost unread`))
            .join("; ")
        : "no gap",
      details: gaps.length
        ? {
            gaps: gaps.map((g) => ({
              log: g.log,
              ...(g.lost ? { lost: g.lost } : {}),
              ...(g.reset ? { reset: true } : {}),
            })),
          }
        : {},
      observedAt,
    });
  }
  return out;
}
