import { newIncident, recurred, resolved } from "../../../../lib/incident.ts";
import { scrubText } from "../../../../lib/phi/scrub.ts";
import type { JsonObject } from "../../../../protocol/common.ts";
import type { BundleContent } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import type { Incident, IncidentReport, Tier } from "../../../../protocol/incident.ts";
import type { Queue } from "../../queue/queue.ts";
import type { HealStore } from "../store.ts";
import { type Delivery, type Notifier, notifyAll } from "./event.ts";

/** Where messages to the cloud go: the agent's durable queue (delivered when online). */
export type Outbox = Pick<Queue, "enqueue" | "enqueueMany">;

/** The evidence chain (agent/src/evidence ChainStore): appends one signed bundle. */
export interface EvidenceSink {
  append(content: BundleContent): unknown;
}

/** What escalation needs. */
export interface EscalationDeps {
  store: HealStore;
  outbox: Outbox;
  evidence: EvidenceSink;
  notifiers: readonly Notifier[];
  siteId: string;
  applianceId: string;
  now: () => Date;
  newId: () => string;
}

/** Queue an incident's current state for POST /agent/incidents (keyed so each state is sent once). */
export function queueIncident(outbox: Outbox, i: Incident): void {
  const report: IncidentReport = { incidents: [i] };
  outbox.enqueue({
    stream: "incidents",
    key: `incident:${i.id}:${i.status}:${i.occurrences}`,
    payload: JSON.stringify(report),
  });
}

/**
 * Escalate a drift to people: open an incident (notifying every channel) or, when one is already
 * open for the check on the host, count the recurrence. Either way the cloud copy is queued.
 */
export async function escalate(
  d: EscalationDeps,
  f: Finding,
  tier: Tier,
  reason: string,
  details?: JsonObject,
): Promise<{ incident: Incident; opened: boolean; deliveries: Delivery[] }> {
  const open = d.store.openIncident(f.checkId, f.host);
  if (open) {
    const incident = recurred(open, tier, reason);
    d.store.saveIncident(incident);
    queueIncident(d.outbox, incident);
    return { incident, opened: false, deliveries: [] };
  }
  const incident = newIncident(f, {
    id: d.newId(),
    applianceId: d.applianceId,
    tier,
    reason,
    at: d.now().toISOString(),
    ...(details ? { details } : {}),
  });
  d.store.saveIncident(incident);
  queueIncident(d.outbox, incident);
  recordEvent(d, "incident-opened", incident, `${tier} escalation: ${reason}`);
  const deliveries = await notifyAll(d.notifiers, { event: "incident.opened", siteId: d.siteId, incident });
  return { incident, opened: true, deliveries };
}

// Opening and resolving an incident are evidence too: the chain shows when people were told.
function recordEvent(
  d: EscalationDeps,
  type: "incident-opened" | "incident-resolved",
  i: Incident,
  summary: string,
) {
  const at = d.now().toISOString();
  d.evidence.append({
    kind: "event",
    createdAt: at,
    citations: i.citations,
    events: [
      {
        type,
        at,
        summary: scrubText(summary).slice(0, 500),
        details: { incidentId: i.id, checkId: i.checkId, host: i.host, severity: i.severity, tier: i.tier },
      },
    ],
  });
}

/** Thrown when a resolution names no such incident or one already resolved. */
export class IncidentError extends Error {
  override name = "IncidentError";
}

/** A person resolves an incident: recorded locally, queued for the cloud, and announced. */
export async function resolveIncident(
  d: EscalationDeps,
  id: string,
  person: string,
  resolution: string,
): Promise<{ incident: Incident; deliveries: Delivery[] }> {
  const i = d.store.incident(id);
  if (!i) throw new IncidentError(`no incident ${id} on this appliance`);
  if (i.status === "resolved")
    throw new IncidentError(`incident ${id} was already resolved by ${i.resolvedBy}`);
  if (!person.trim()) throw new IncidentError("a resolution needs the name of the person resolving it");
  if (!resolution.trim()) throw new IncidentError("a resolution needs a short text saying what was done");
  const incident = resolved(i, person.trim(), resolution.trim(), d.now().toISOString());
  d.store.saveIncident(incident);
  queueIncident(d.outbox, incident);
  recordEvent(d, "incident-resolved", incident, `resolved by ${incident.resolvedBy}: ${incident.resolution}`);
  const deliveries = await notifyAll(d.notifiers, { event: "incident.resolved", siteId: d.siteId, incident });
  return { incident, deliveries };
}

/**
 * A person resolved the incident in the cloud: close the local copy with their name and words
 * (recorded in the chain and announced), so the appliance heals that drift again.
 */
export async function adoptCloudResolution(d: EscalationDeps, cloud: Incident): Promise<Incident | null> {
  const local = d.store.incident(cloud.id);
  if (!local || local.status === "resolved" || cloud.status !== "resolved") return null;
  const incident = resolved(
    local,
    cloud.resolvedBy ?? "a person in the cloud",
    cloud.resolution ?? "resolved in the cloud",
    cloud.resolvedAt ?? d.now().toISOString(),
  );
  d.store.saveIncident(incident);
  recordEvent(
    d,
    "incident-resolved",
    incident,
    `resolved in the cloud by ${incident.resolvedBy}: ${incident.resolution}`,
  );
  await notifyAll(d.notifiers, { event: "incident.resolved", siteId: d.siteId, incident });
  return incident;
}
