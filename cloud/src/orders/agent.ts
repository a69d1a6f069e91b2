import { and, asc, eq, gt, inArray, lte } from "drizzle-orm";
import { canonicalHash } from "../../../protocol/hash.ts";
import type {
  OrderAck,
  OrderCompletion,
  PendingOrdersResponse,
  SignedOrder,
} from "../../../protocol/order.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import { orders } from "../db/schema/orders.ts";
import { conflict, forbidden, notFound } from "../http/errors.ts";

function applianceOf(ctx: ServiceContext) {
  if (ctx.actor.type !== "appliance") throw forbidden("only appliances fetch and answer orders");
  return ctx.actor;
}

/** Signed orders waiting for the calling appliance (expired ones are marked expired first). */
export async function pendingOrders({ ctx }: { ctx: ServiceContext }): Promise<PendingOrdersResponse> {
  const me = applianceOf(ctx);
  const now = ctx.clock.now();
  await ctx.db
    .update(orders)
    .set({ state: "expired" })
    .where(
      and(
        eq(orders.applianceId, me.applianceId),
        inArray(orders.state, ["pending", "pending-approval"]),
        lte(orders.expiresAt, now),
      ),
    );
  const rows = await ctx.db
    .select({ signed: orders.signed })
    .from(orders)
    .where(
      and(eq(orders.applianceId, me.applianceId), eq(orders.state, "pending"), gt(orders.expiresAt, now)),
    )
    .orderBy(asc(orders.createdAt))
    .limit(100);
  return { orders: rows.map((r) => r.signed as SignedOrder) };
}

async function ownOrder(ctx: ServiceContext, orderId: string) {
  const me = applianceOf(ctx);
  const [row] = await ctx.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.applianceId, me.applianceId)));
  // Another appliance's order is indistinguishable from a missing one.
  if (!row) throw notFound(`no order "${orderId}" for this appliance`);
  return row;
}

/** The appliance received an order (idempotent). */
export async function ackOrder({ ctx, input }: ServiceCall<OrderAck & { orderId: string }>) {
  const row = await ownOrder(ctx, input.orderId);
  if (row.state === "acknowledged" || ["succeeded", "failed", "refused"].includes(row.state)) {
    return { id: row.id, state: row.state };
  }
  if (row.state !== "pending") throw conflict(`order ${row.id} is ${row.state}; it cannot be acknowledged`);
  await ctx.db
    .update(orders)
    .set({ state: "acknowledged", ackedAt: new Date(input.receivedAt) })
    .where(and(eq(orders.id, row.id), eq(orders.state, "pending")));
  return { id: row.id, state: "acknowledged" };
}

/** The appliance finished (or refused) an order. Repeating the same completion is harmless. */
export async function completeOrder({
  ctx,
  input,
}: ServiceCall<{ orderId: string; completion: OrderCompletion }>) {
  const row = await ownOrder(ctx, input.orderId);
  const state = input.completion.status;
  if (["succeeded", "failed", "refused"].includes(row.state)) {
    if (canonicalHash(row.completion) === canonicalHash(input.completion))
      return { id: row.id, state: row.state };
    throw conflict(`order ${row.id} was already completed as ${row.state}`);
  }
  if (row.state !== "pending" && row.state !== "acknowledged") {
    throw conflict(`order ${row.id} is ${row.state}; it cannot be completed`);
  }
  await ctx.db
    .update(orders)
    .set({
      state,
      completion: input.completion,
      completedAt: new Date(input.completion.finishedAt),
      ackedAt: row.ackedAt ?? ctx.clock.now(),
    })
    .where(and(eq(orders.id, row.id), inArray(orders.state, ["pending", "acknowledged"])));
  return { id: row.id, state };
}
