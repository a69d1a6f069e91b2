import { eq } from "drizzle-orm";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { orders } from "../db/schema/orders.ts";
import { conflict, notFound } from "../http/errors.ts";
import type { OrderView } from "./schemas.ts";
import { signOrder } from "./sign.ts";
import { orderView } from "./view.ts";

/**
 * Approve or reject an order waiting in pending-approval (msp-admin, a named person). Approval
 * signs it and makes it pending for its appliance; an order past its expiry can only expire.
 */
export async function decideOrder({
  ctx,
  input,
}: ServiceCall<{ orderId: string; decision: "approve" | "reject"; reason?: string }>): Promise<OrderView> {
  assertRole(ctx.actor, "msp-admin");
  const now = ctx.clock.now();
  const next = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(orders).where(eq(orders.id, input.orderId)).for("update");
    if (!row) throw notFound(`no order "${input.orderId}"`);
    assertSiteAccess(ctx.actor, row.siteId);
    if (row.state !== "pending-approval") {
      throw conflict(`order ${row.id} is ${row.state}, not pending-approval`);
    }
    const decided = { decidedBy: actorLabel(ctx.actor), decidedAt: now };
    let next: typeof orders.$inferSelect;
    if (row.expiresAt <= now) {
      next = { ...row, ...decided, state: "expired" };
    } else if (input.decision === "approve") {
      next = { ...row, ...decided, state: "pending", signed: signOrder(row, now, ctx.keys) };
    } else {
      next = { ...row, ...decided, state: "rejected", reason: input.reason ?? row.reason };
    }
    await tx
      .update(orders)
      .set({
        state: next.state,
        signed: next.signed,
        decidedBy: next.decidedBy,
        decidedAt: now,
        reason: next.reason,
      })
      .where(eq(orders.id, row.id));
    await writeAudit(tx, ctx, {
      action: `order.${input.decision}`,
      target: `order:${row.id}`,
      siteId: row.siteId,
      args: input,
      outcome: next.state === "expired" ? "failed" : "ok",
    });
    return next;
  });
  // Outside the transaction, so the expiry itself is recorded.
  if (next.state === "expired") {
    throw conflict(`order ${next.id} expired at ${next.expiresAt.toISOString()} before a decision`);
  }
  return orderView(next);
}
