import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { ORDER_PARAMS } from "../../../protocol/order.ts";
import { actorLabel } from "../actor.ts";
import { siteLiveAppliances } from "../appliances/live.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { orders } from "../db/schema/orders.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { requireSite } from "../sites/require.ts";
import type { OrderCreate, OrderView } from "./schemas.ts";
import { signOrder } from "./sign.ts";
import { orderView } from "./view.ts";

/** Order types that change a host: they count against the per-site remediation limit. */
export const REMEDIATION_TYPES = new Set(["run_runbook"]);

/**
 * Create an order for one appliance or, with no applianceId, one order per appliance of the site
 * (each with its own id and nonce, signed for its target). With `requireApproval` the orders wait
 * as pending-approval and are signed only when approved.
 */
export async function createOrders({
  ctx,
  input,
}: ServiceCall<OrderCreate & { siteId: string }>): Promise<{ orders: OrderView[] }> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  const p = v.safeParse(ORDER_PARAMS[input.type], input.params);
  if (!p.success) throw badRequest(`params for ${input.type}: ${describeIssues(p.issues)}`);
  const now = ctx.clock.now();
  await requireSite(ctx.db, input.siteId);
  const targets = await ctx.db
    .select({ id: appliances.id })
    .from(appliances)
    .where(
      siteLiveAppliances(input.siteId, input.applianceId ? eq(appliances.id, input.applianceId) : undefined),
    );
  if (targets.length === 0) {
    throw input.applianceId
      ? notFound(`site ${input.siteId} has no appliance "${input.applianceId}"`)
      : conflict(`site ${input.siteId} has no appliances to broadcast to`);
  }
  if (REMEDIATION_TYPES.has(input.type)) {
    await enforce(
      ctx.db,
      ctx.clock,
      `remediation:${input.siteId}`,
      ctx.config.rateLimits.remediationOrders,
      `remediation orders for site ${input.siteId}`,
      targets.length,
    );
  }
  const expiresAt = new Date(now.getTime() + (input.ttlSec ?? ctx.config.orderTtlSec) * 1000);
  const state = input.requireApproval ? "pending-approval" : "pending";
  return ctx.db.transaction(async (tx) => {
    const created: OrderView[] = [];
    for (const t of targets) {
      const row: typeof orders.$inferSelect = {
        id: newId("ord_"),
        siteId: input.siteId,
        applianceId: t.id,
        type: input.type,
        params: p.output,
        state,
        nonce: randomBytes(16).toString("hex"),
        signed: null,
        issuedBy: actorLabel(ctx.actor),
        reason: input.reason ?? null,
        createdAt: now,
        expiresAt,
        decidedBy: null,
        decidedAt: null,
        ackedAt: null,
        completedAt: null,
        completion: null,
      };
      if (state === "pending") row.signed = signOrder(row, now, ctx.keys);
      await tx.insert(orders).values(row);
      await writeAudit(tx, ctx, {
        action: "order.create",
        target: `order:${row.id}`,
        siteId: input.siteId,
        args: input,
      });
      created.push(orderView(row));
    }
    return { orders: created };
  });
}
