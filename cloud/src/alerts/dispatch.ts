import { and, asc, eq, isNotNull, isNull, lte, type SQL } from "drizzle-orm";
import { alertDeliveries, alerts } from "../db/schema/alerts.ts";
import type { CloudDeps } from "../deps.ts";
import type { AlertChannel, AlertEvent, AlertMessage } from "./channel.ts";
import type { AlertSeverity } from "./raise.ts";

/** Who is told: the primary channels, and the second contact told when an SLA is missed. */
export interface AlertRouting {
  primary: AlertChannel[];
  escalation: AlertChannel[];
}

/** A delivery is retried 30 s, 1 min, 2 min… apart and given up after this many attempts. */
export const MAX_DELIVERY_ATTEMPTS = 8;

async function queue(deps: CloudDeps, alertId: string, channels: AlertChannel[], event: AlertEvent) {
  const now = deps.clock.now();
  if (channels.length === 0) return;
  await deps.db
    .insert(alertDeliveries)
    .values(channels.map((c) => ({ alertId, channel: c.name, event, nextAttemptAt: now, createdAt: now })))
    .onConflictDoNothing();
}

/**
 * Queue what is owed: a trigger for each new alert, a resolve for each closed one that was
 * announced, and an escalation for each open, unacknowledged alert past its SLA. The unique
 * (alert, channel, event) index makes a repeated pass queue nothing twice.
 */
export async function queueDeliveries(deps: CloudDeps, routing: AlertRouting): Promise<void> {
  const now = deps.clock.now();
  // Each pass: which alerts are due, whom to tell, and the column that records it was told. In
  // this order, so an alert raised and resolved between two passes is announced, then resolved.
  const passes: {
    due: SQL | undefined;
    channels: AlertChannel[];
    event: AlertEvent;
    told: Partial<typeof alerts.$inferInsert>;
  }[] = [
    {
      due: isNull(alerts.notifiedAt),
      channels: routing.primary,
      event: "trigger",
      told: { notifiedAt: now },
    },
    {
      due: and(isNotNull(alerts.resolvedAt), isNull(alerts.resolveNotifiedAt), isNotNull(alerts.notifiedAt)),
      channels: routing.primary,
      event: "resolve",
      told: { resolveNotifiedAt: now },
    },
    {
      due: and(
        isNull(alerts.resolvedAt),
        isNull(alerts.acknowledgedAt),
        isNull(alerts.escalatedAt),
        lte(alerts.slaDueAt, now),
      ),
      channels: routing.escalation,
      event: "escalate",
      told: { escalatedAt: now },
    },
  ];
  for (const pass of passes) {
    const due = await deps.db.select({ id: alerts.id }).from(alerts).where(pass.due);
    for (const a of due) {
      await queue(deps, a.id, pass.channels, pass.event);
      await deps.db.update(alerts).set(pass.told).where(eq(alerts.id, a.id));
    }
  }
}

/** The message channels render for an alert row. */
export function alertMessage(row: typeof alerts.$inferSelect, publicUrl: string): AlertMessage {
  return {
    id: row.id,
    dedupKey: row.dedupKey,
    kind: row.kind,
    severity: row.severity as AlertSeverity,
    summary: row.summary,
    siteId: row.siteId,
    applianceId: row.applianceId,
    occurrences: row.occurrences,
    openedAt: row.openedAt.toISOString(),
    details: row.details,
    url: `${publicUrl.replace(/\/+$/, "")}/dashboard/alerts`,
  };
}

/** Send every due delivery; a failure waits and is retried, and after the last attempt is given up (logged). */
export async function sendDue(
  deps: CloudDeps,
  routing: AlertRouting,
): Promise<{ sent: number; failed: number }> {
  const byName = new Map([...routing.primary, ...routing.escalation].map((c) => [c.name, c]));
  const now = deps.clock.now();
  const due = await deps.db
    .select({ d: alertDeliveries, a: alerts })
    .from(alertDeliveries)
    .innerJoin(alerts, eq(alerts.id, alertDeliveries.alertId))
    .where(
      and(
        isNull(alertDeliveries.deliveredAt),
        isNull(alertDeliveries.failedAt),
        lte(alertDeliveries.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(alertDeliveries.id))
    .limit(200);
  let sent = 0;
  let failed = 0;
  for (const { d, a } of due) {
    const channel = byName.get(d.channel);
    try {
      if (!channel) throw new Error(`${d.channel}: channel no longer configured`);
      await channel.send(alertMessage(a, deps.config.publicUrl), d.event as AlertEvent);
      await deps.db
        .update(alertDeliveries)
        .set({ deliveredAt: deps.clock.now(), attempts: d.attempts + 1, lastError: null })
        .where(eq(alertDeliveries.id, d.id));
      sent++;
    } catch (e) {
      failed++;
      const attempts = d.attempts + 1;
      const message = (e as Error).message.slice(0, 500);
      const giveUp = attempts >= MAX_DELIVERY_ATTEMPTS || !channel;
      await deps.db
        .update(alertDeliveries)
        .set({
          attempts,
          lastError: message,
          nextAttemptAt: new Date(now.getTime() + 30_000 * 2 ** (attempts - 1)),
          failedAt: giveUp ? deps.clock.now() : null,
        })
        .where(eq(alertDeliveries.id, d.id));
      (giveUp ? deps.logger.error : deps.logger.warn)("alert delivery failed", {
        alertId: a.id,
        channel: d.channel,
        event: d.event,
        attempts,
        error: message,
      });
    }
  }
  return { sent, failed };
}
