import { and, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alerts } from "../db/schema/alerts.ts";
import { appliances } from "../db/schema/appliances.ts";
import { evidenceAlerts } from "../db/schema/evidence.ts";
import { orders } from "../db/schema/orders.ts";
import { regulatoryDocuments } from "../db/schema/regulatory.ts";
import type { CloudDeps } from "../deps.ts";
import { outboxHealth } from "../evidence/outbox.ts";
import { raiseAlert, resolveAlert } from "./raise.ts";

// Sources are re-read over a trailing day each pass; dedup keys and "already resolved" make a
// re-read harmless, so no cursor is kept and a pass that crashed is simply repeated.
const LOOKBACK_MS = 24 * 3600_000;

/**
 * Appliances silent past `silentAfterIntervals` check-in intervals get one `appliance-silent`
 * alert each (an appliance that never checked in counts from its enrolment); the alert resolves
 * by itself once the appliance checks in again. Needs nothing from the appliance.
 */
export async function detectSilentAppliances(deps: CloudDeps): Promise<void> {
  const limitMs = deps.config.checkinIntervalSec * deps.config.silentAfterIntervals * 1000;
  const cutoff = new Date(deps.clock.now().getTime() - limitMs);
  const lastSeen = sql<Date>`coalesce(${appliances.lastCheckinAt}, ${appliances.createdAt})`.mapWith(
    appliances.createdAt,
  );
  const silent = await deps.db
    .select({ id: appliances.id, siteId: appliances.siteId, lastSeen })
    .from(appliances)
    .where(and(isNull(appliances.deletedAt), lt(lastSeen, cutoff)));
  for (const a of silent) {
    const minutes = Math.round((deps.clock.now().getTime() - new Date(a.lastSeen).getTime()) / 60_000);
    await raiseAlert(
      deps,
      {
        dedupKey: `silent:${a.id}`,
        kind: "appliance-silent",
        severity: "critical",
        summary: `appliance ${a.id} at ${a.siteId} has not checked in for ${minutes} min`,
        siteId: a.siteId,
        applianceId: a.id,
        details: { lastCheckinAt: new Date(a.lastSeen).toISOString(), limitSec: limitMs / 1000 },
      },
      // Dated when it went silent, so a check-in after a resolution is never re-reported.
      new Date(new Date(a.lastSeen).getTime() + limitMs),
    );
  }
  const back = await deps.db
    .select({ key: alerts.dedupKey })
    .from(alerts)
    .innerJoin(appliances, eq(alerts.applianceId, appliances.id))
    .where(
      and(
        eq(alerts.kind, "appliance-silent"),
        isNull(alerts.resolvedAt),
        or(gt(appliances.lastCheckinAt, cutoff), sql`${appliances.deletedAt} IS NOT NULL`),
      ),
    );
  for (const b of back) await resolveAlert(deps, b.key, "system: the appliance checked in again");
}

/** Chain problems recorded at ingest (gap, fork, broken link, bad signature, object write failed). */
export async function detectChainAlerts(deps: CloudDeps): Promise<void> {
  const since = new Date(deps.clock.now().getTime() - LOOKBACK_MS);
  const rows = await deps.db.select().from(evidenceAlerts).where(gt(evidenceAlerts.createdAt, since));
  for (const r of rows) {
    await raiseAlert(
      deps,
      {
        dedupKey: `chain:${r.applianceId}:${r.kind}`,
        kind: r.kind === "object-write-failed" ? "evidence-store" : "chain",
        severity: r.kind === "object-write-failed" ? "error" : "critical",
        summary: `evidence ${r.kind} for appliance ${r.applianceId} at ${r.siteId}: ${r.message}`.slice(
          0,
          1024,
        ),
        siteId: r.siteId,
        applianceId: r.applianceId,
        details: { evidenceAlertId: r.id, seq: r.seq, kind: r.kind },
      },
      r.createdAt,
    );
  }
}

/** Orders that failed, or expired before the appliance finished them. */
export async function detectOrderAlerts(deps: CloudDeps): Promise<void> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const rows = await deps.db
    .select()
    .from(orders)
    .where(
      or(
        and(inArray(orders.state, ["failed", "refused"]), gt(orders.completedAt, since)),
        and(
          inArray(orders.state, ["expired", "pending", "acknowledged", "pending-approval"]),
          lt(orders.expiresAt, now),
          gt(orders.expiresAt, since),
        ),
      ),
    );
  for (const o of rows) {
    const failed = o.state === "failed" || o.state === "refused";
    await raiseAlert(
      deps,
      {
        dedupKey: `order:${o.id}`,
        kind: failed ? "order-failed" : "order-expired",
        severity: "error",
        summary: failed
          ? `order ${o.id} (${o.type}) ${o.state} on appliance ${o.applianceId}`
          : `order ${o.id} (${o.type}) expired before appliance ${o.applianceId} completed it`,
        siteId: o.siteId,
        applianceId: o.applianceId,
        details: { orderId: o.id, type: o.type, state: o.state },
      },
      failed ? (o.completedAt ?? now) : o.expiresAt,
    );
  }
}

/** The evidence outbox stalled (oldest entry past `outboxMaxAgeSec`, or entries given up on). */
export async function detectStalledOutbox(deps: CloudDeps): Promise<void> {
  const h = await outboxHealth(deps);
  if (h.oldestAgeSec > deps.config.outboxMaxAgeSec || h.alerted > 0) {
    await raiseAlert(deps, {
      dedupKey: "outbox-stalled",
      kind: "outbox-stalled",
      severity: "critical",
      summary: `evidence outbox stalled: ${h.depth} objects waiting, oldest ${h.oldestAgeSec} s, ${h.alerted} given up`,
      details: { ...h },
    });
  } else {
    await resolveAlert(deps, "outbox-stalled", "system: the outbox drained");
  }
}

/** New Federal Register documents matching the watch terms. */
export async function detectRegulatory(deps: CloudDeps): Promise<void> {
  const since = new Date(deps.clock.now().getTime() - LOOKBACK_MS);
  const docs = await deps.db
    .select()
    .from(regulatoryDocuments)
    .where(gt(regulatoryDocuments.firstSeenAt, since));
  for (const d of docs) {
    await raiseAlert(
      deps,
      {
        dedupKey: `regulatory:${d.documentNumber}`,
        kind: "regulatory",
        severity: "info",
        summary: `Federal Register ${d.type}: ${d.title}`.slice(0, 1024),
        details: { documentNumber: d.documentNumber, url: d.htmlUrl, published: d.publicationDate },
      },
      d.firstSeenAt,
    );
  }
}

/** Every detector, in one pass. */
export async function detectAll(deps: CloudDeps): Promise<void> {
  await detectSilentAppliances(deps);
  await detectChainAlerts(deps);
  await detectOrderAlerts(deps);
  await detectStalledOutbox(deps);
  await detectRegulatory(deps);
}
