import { and, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import * as v from "valibot";
import { writeAudit } from "../audit/audit.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { alertDeliveries, alerts } from "../db/schema/alerts.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { AlertSeverity } from "./raise.ts";

const When = v.nullable(v.string());

/** One alert as the API and the dashboard show it, with how its deliveries went. */
export const AlertView = v.strictObject({
  id: v.string(),
  kind: v.string(),
  severity: AlertSeverity,
  summary: v.string(),
  siteId: v.nullable(v.string()),
  applianceId: v.nullable(v.string()),
  occurrences: v.number(),
  openedAt: v.string(),
  lastSeenAt: v.string(),
  slaDueAt: v.string(),
  acknowledgedAt: When,
  acknowledgedBy: When,
  escalatedAt: When,
  resolvedAt: When,
  resolvedBy: When,
  deliveries: v.array(
    v.strictObject({
      channel: v.string(),
      event: v.string(),
      state: v.picklist(["pending", "delivered", "failed"]),
      attempts: v.number(),
      lastError: When,
    }),
  ),
});
export type AlertView = v.InferOutput<typeof AlertView>;
export const AlertList = v.strictObject({ alerts: v.array(AlertView) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Visible to the actor: a site-scoped token sees its site's alerts only, never fleet-wide ones. */
function visible(ctx: ServiceContext): SQL | undefined {
  if (ctx.actor.type === "admin" && ctx.actor.siteId !== null) return eq(alerts.siteId, ctx.actor.siteId);
  return undefined;
}

/** The alert history, newest first (read-only and above); `open` limits it to unresolved alerts. */
export async function listAlerts({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { open?: boolean; before?: Date; limit?: number };
}): Promise<{ alerts: AlertView[] }> {
  assertRole(ctx.actor, "read-only");
  const rows = await ctx.db
    .select()
    .from(alerts)
    .where(
      and(
        visible(ctx),
        input.open ? isNull(alerts.resolvedAt) : undefined,
        input.before ? lt(alerts.openedAt, input.before) : undefined,
      ),
    )
    .orderBy(desc(alerts.openedAt), desc(alerts.id))
    .limit(input.limit ?? 100);
  const ids = rows.map((r) => r.id);
  const deliveries =
    ids.length === 0
      ? []
      : await ctx.db
          .select()
          .from(alertDeliveries)
          .where(or(...ids.map((id) => eq(alertDeliveries.alertId, id))));
  return {
    alerts: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      severity: r.severity as AlertView["severity"],
      summary: r.summary,
      siteId: r.siteId,
      applianceId: r.applianceId,
      occurrences: r.occurrences,
      openedAt: r.openedAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      slaDueAt: r.slaDueAt.toISOString(),
      acknowledgedAt: iso(r.acknowledgedAt),
      acknowledgedBy: r.acknowledgedBy,
      escalatedAt: iso(r.escalatedAt),
      resolvedAt: iso(r.resolvedAt),
      resolvedBy: r.resolvedBy,
      deliveries: deliveries
        .filter((d) => d.alertId === r.id)
        .map((d) => ({
          channel: d.channel,
          event: d.event,
          state: d.deliveredAt
            ? ("delivered" as const)
            : d.failedAt
              ? ("failed" as const)
              : ("pending" as const),
          attempts: d.attempts,
          lastError: d.lastError,
        })),
    })),
  };
}

/**
 * A person acknowledges (stops escalation) or resolves (closes) an alert (msp-tech and above,
 * on an alert of a site they may act on; fleet-wide alerts need a fleet-wide token). Audited.
 */
export async function decideAlert({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { alertId: string; action: "ack" | "resolve" };
}): Promise<{ id: string; acknowledgedAt: string | null; resolvedAt: string | null }> {
  assertRole(ctx.actor, "msp-tech");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(alerts).where(eq(alerts.id, input.alertId));
    if (!row) throw notFound(`no alert "${input.alertId}"`);
    if (row.siteId) assertSiteAccess(ctx.actor, row.siteId);
    else if (ctx.actor.type === "admin" && ctx.actor.siteId !== null) {
      throw forbidden("this alert is fleet-wide and needs a token without a site scope");
    }
    const now = ctx.clock.now();
    const who = ctx.actor.type === "admin" ? ctx.actor.name : ctx.actor.type;
    const set =
      input.action === "ack"
        ? { acknowledgedAt: row.acknowledgedAt ?? now, acknowledgedBy: row.acknowledgedBy ?? who }
        : {
            acknowledgedAt: row.acknowledgedAt ?? now,
            acknowledgedBy: row.acknowledgedBy ?? who,
            resolvedAt: row.resolvedAt ?? now,
            resolvedBy: row.resolvedBy ?? who,
          };
    const [after] = await tx.update(alerts).set(set).where(eq(alerts.id, row.id)).returning();
    await writeAudit(tx, ctx, {
      action: `alert.${input.action}`,
      target: `alert:${row.id}`,
      siteId: row.siteId,
      args: input,
    });
    return { id: row.id, acknowledgedAt: iso(after!.acknowledgedAt), resolvedAt: iso(after!.resolvedAt) };
  });
}
