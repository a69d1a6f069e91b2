import { and, desc, eq } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { orders } from "../db/schema/orders.ts";
import type { OrderView } from "./schemas.ts";
import { orderView } from "./view.ts";

/** A site's orders, newest first, optionally in one state. */
export async function listOrders({
  ctx,
  input,
}: ServiceCall<{ siteId: string; state?: string; limit?: number }>): Promise<{ orders: OrderView[] }> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const rows = await ctx.db
    .select()
    .from(orders)
    .where(and(eq(orders.siteId, input.siteId), input.state ? eq(orders.state, input.state) : undefined))
    .orderBy(desc(orders.createdAt))
    .limit(Math.min(input.limit ?? 200, 1000));
  return { orders: rows.map(orderView) };
}
