/**
 * The Windows event-log threat rules as catalogue data: what each is called, what it supports and
 * what fires it (the agent's agent/src/windows/threats.ts evaluates them). None has a runbook:
 * threats go to people, so the status page and portal say "needs a person" for them.
 */
import type { Severity } from "../protocol/common.ts";

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

/** Every threat rule, by name. */
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

/** Check ids of the threat rules. */
export const THREAT_CHECK_IDS: ReadonlySet<string> = new Set(Object.values(THREAT_RULES).map((r) => r.id));
