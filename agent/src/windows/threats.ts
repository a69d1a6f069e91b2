/**
 * Threat rules over Windows events (pure: events in, findings out). Each rule gives one finding per
 * host read this cycle: "fail" with the events as evidence while it fires, "pass" otherwise. They
 * are never fixed automatically: runbooks/rules/windows.rules.toml escalates each to people, and
 * the daemon and incident model scrub the event details of PHI.
 */
import type { JsonObject, Severity } from "../../../protocol/common.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { StoredEvent } from "./event-reader.ts";

/** One threat rule's identity as a check. */
export interface ThreatRule {
  id: string;
  title: string;
  citations: string[];
  severity: Severity;
  /** What fires it, for people and the catalogue. */
  fires: string;
}

/** Brute force: failed logons (4625) within this window… */
export const BRUTE_FORCE_WINDOW_MS = 15 * 60_000;
/** …from one source spread over two or more hosts… */
export const BRUTE_FORCE_PER_SOURCE = 10;
/** …or on one host from any source. */
export const BRUTE_FORCE_PER_HOST = 20;

export const THREAT_RULES = {
  bruteForce: {
    id: "windows.threat-brute-force",
    title: "No password-guessing burst (failed logons)",
    citations: ["§164.312(d)", "§164.308(a)(5)(ii)(C)"],
    severity: "high",
    fires: `≥ ${BRUTE_FORCE_PER_SOURCE} failed logons (4625) from one source across hosts, or ≥ ${BRUTE_FORCE_PER_HOST} on one host, within 15 minutes`,
  },
  lockout: {
    id: "windows.threat-lockout",
    title: "No account locked out",
    citations: ["§164.308(a)(5)(ii)(C)", "§164.312(d)"],
    severity: "medium",
    fires: "an account was locked out (4740)",
  },
  logCleared: {
    id: "windows.threat-log-cleared",
    title: "Audit log not cleared",
    citations: ["§164.312(b)", "§164.308(a)(1)(ii)(D)"],
    severity: "critical",
    fires: "the Security log was cleared (1102) or another log was (System 104)",
  },
  accountChange: {
    id: "windows.threat-account-change",
    title: "No new accounts or privileged-group changes",
    citations: ["§164.312(a)(1)", "§164.308(a)(4)(ii)(C)"],
    severity: "high",
    fires: "an account was created (4720) or added to a security group (4728, 4732, 4756)",
  },
  ransomware: {
    id: "windows.threat-ransomware",
    title: "No ransomware precursors (shadow copies deleted, VSS disabled)",
    citations: ["§164.308(a)(6)(ii)", "§164.308(a)(7)(ii)(A)"],
    severity: "critical",
    fires:
      "vssadmin delete shadows / wmic shadowcopy delete in a process creation (4688), or the Volume Shadow Copy service disabled (7040)",
  },
  malware: {
    id: "windows.threat-malware",
    title: "No malware detected by Defender",
    citations: ["§164.308(a)(5)(ii)(B)", "§164.308(a)(6)(ii)"],
    severity: "high",
    fires: "Defender detected (1116) or acted on (1117) malware",
  },
  logGap: {
    id: "windows.event-log-gap",
    title: "Event logs read without loss",
    citations: ["§164.312(b)"],
    severity: "medium",
    fires:
      "a watched log wrapped past the appliance's bookmark (events overwritten unread) or was found cleared",
  },
} as const satisfies Record<string, ThreatRule>;

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
    return {
      checkId: rule.id,
      host,
      status: fired ? "fail" : "pass",
      severity: rule.severity,
      title: rule.title,
      citations: [...rule.citations],
      expected: `none of: ${rule.fires}`.slice(0, 500),
      actual: fired ? `${hits.length} event${hits.length === 1 ? "" : "s"} (${ids.join(", ")})` : "none",
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
