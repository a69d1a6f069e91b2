import { clipText, type JsonObject } from "../protocol/common.ts";
import type { Finding } from "../protocol/finding.ts";
import type { Incident, Tier } from "../protocol/incident.ts";
import { scrubJson, scrubText } from "./phi/scrub.ts";

/**
 * A new open incident for a finding, PHI-scrubbed (title, summary and details). The summary leads
 * with what the check is about, not with the host's address: pages put the host's name beside it.
 */
export function newIncident(
  f: Finding,
  o: { id: string; applianceId: string; tier: Tier; reason: string; at: string; details?: JsonObject },
): Incident {
  const found = f.actual !== undefined ? `; found ${f.actual}` : "";
  const wanted = f.expected !== undefined ? `expected ${f.expected}` : `status ${f.status}`;
  return {
    id: o.id,
    applianceId: o.applianceId,
    checkId: f.checkId,
    host: f.host,
    severity: f.severity,
    tier: o.tier,
    status: "open",
    title: clipText(scrubText(f.title), 500),
    summary: clipText(scrubText(`${f.title} (${f.checkId}): ${wanted}${found}. ${o.reason}`), 20_000),
    details: scrubJson({ ...f.details, ...(o.details ?? {}), escalation: o.reason }),
    citations: f.citations,
    occurrences: 1,
    openedAt: o.at,
  };
}

/** The open incident after the same drift recurred (or moved up a tier). */
export function recurred(i: Incident, tier: Tier, reason: string): Incident {
  const rank = { L1: 1, L2: 2, L3: 3 } as const;
  return {
    ...i,
    occurrences: i.occurrences + 1,
    tier: rank[tier] > rank[i.tier] ? tier : i.tier,
    details: { ...i.details, escalation: clipText(scrubText(reason), 500) },
  };
}

/** The incident as resolved by a named person. */
export function resolved(i: Incident, person: string, resolution: string, at: string): Incident {
  return {
    ...i,
    status: "resolved",
    resolvedAt: at,
    resolvedBy: clipText(person, 500),
    resolution: clipText(resolution, 500),
  };
}
