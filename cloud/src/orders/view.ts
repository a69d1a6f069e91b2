import type { JsonObject } from "../../../protocol/common.ts";
import type { OrderCompletion, OrderState, OrderType, SignedOrder } from "../../../protocol/order.ts";
import type { orders } from "../db/schema/orders.ts";
import type { OrderView } from "./schemas.ts";

/** An order row as the API shows it. */
export function orderView(r: typeof orders.$inferSelect): OrderView {
  return {
    id: r.id,
    siteId: r.siteId,
    applianceId: r.applianceId,
    type: r.type as OrderType,
    params: r.params as JsonObject,
    state: r.state as OrderState,
    issuedBy: r.issuedBy,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    decidedBy: r.decidedBy,
    signed: (r.signed as SignedOrder | null) ?? null,
    completion: (r.completion as OrderCompletion | null) ?? null,
  };
}
