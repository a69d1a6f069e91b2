import * as v from "valibot";
import { Id, JsonObject, ShortText } from "../../../protocol/common.ts";
import { OrderCompletion, OrderState, OrderType, SignedOrder } from "../../../protocol/order.ts";

/** POST /api/sites/:siteId/orders: one appliance, or every appliance of the site when omitted. */
export const OrderCreate = v.strictObject({
  applianceId: v.optional(Id),
  type: OrderType,
  params: JsonObject,
  ttlSec: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(7 * 86_400))),
  reason: v.optional(ShortText),
  /** Hold the order as pending-approval until an msp-admin approves it (used for MCP proposals). */
  requireApproval: v.optional(v.boolean()),
});
export type OrderCreate = v.InferOutput<typeof OrderCreate>;

/** POST /api/orders/:orderId/approve | reject body. */
export const OrderDecision = v.strictObject({ reason: v.optional(ShortText) });
export type OrderDecision = v.InferOutput<typeof OrderDecision>;

/** An order as the admin API shows it. */
export const OrderView = v.strictObject({
  id: Id,
  siteId: Id,
  applianceId: Id,
  type: OrderType,
  params: JsonObject,
  state: OrderState,
  issuedBy: v.string(),
  reason: v.nullable(v.string()),
  createdAt: v.string(),
  expiresAt: v.string(),
  decidedBy: v.nullable(v.string()),
  signed: v.nullable(SignedOrder),
  completion: v.nullable(OrderCompletion),
});
export type OrderView = v.InferOutput<typeof OrderView>;

export const OrderList = v.strictObject({ orders: v.array(OrderView) });
