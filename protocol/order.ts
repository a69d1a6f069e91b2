import * as v from "valibot";
import { HostName, Id, JsonObject, LongText, ShortText, Slug, Timestamp } from "./common.ts";
import { Signed } from "./signed.ts";

/** Order types an appliance will execute; anything else is refused. */
export const OrderType = v.picklist([
  "run_check",
  "run_runbook",
  "sync_rules",
  "update_agent",
  "collect_diagnostics",
  "accept_baseline",
]);
export type OrderType = v.InferOutput<typeof OrderType>;

/** An instruction from the cloud to one appliance, signed by the cloud's order key. */
export const Order = v.strictObject({
  id: Id,
  siteId: Id,
  /** The one appliance this order is for (a broadcast is one order per appliance). */
  applianceId: Id,
  type: OrderType,
  params: JsonObject,
  issuedAt: Timestamp,
  expiresAt: Timestamp,
  /** 32 hex characters, never reused; the agent refuses a nonce it has seen. */
  nonce: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters")),
  issuedBy: ShortText,
});
export type Order = v.InferOutput<typeof Order>;

/**
 * Parameters each order type accepts (the agent refuses anything else). run_check with no ids runs
 * every enabled check; run_runbook names the runbook, the target host and the runbook's own params
 * (held to the runbook's declared bounds by the agent); accept_baseline accepts items (or, without
 * items, what the host has now) into a Windows host's baseline of one baseline check.
 */
export const ORDER_PARAMS = {
  run_check: v.strictObject({ checkIds: v.optional(v.pipe(v.array(Slug), v.maxLength(100))) }),
  run_runbook: v.strictObject({ runbookId: Slug, host: HostName, params: v.optional(JsonObject) }),
  sync_rules: v.strictObject({}),
  update_agent: v.strictObject({}),
  collect_diagnostics: v.strictObject({}),
  accept_baseline: v.strictObject({
    host: HostName,
    checkId: Slug,
    items: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(500))), v.maxLength(500)),
    ),
  }),
} as const satisfies Record<OrderType, v.GenericSchema>;
/** Parameters of an order of type T. */
export type OrderParams<T extends OrderType> = v.InferOutput<(typeof ORDER_PARAMS)[T]>;

export const SignedOrder = Signed(Order);
export type SignedOrder = v.InferOutput<typeof SignedOrder>;

/** GET /agent/orders: pending orders for the calling appliance. */
export const PendingOrdersResponse = v.strictObject({ orders: v.array(SignedOrder) });
export type PendingOrdersResponse = v.InferOutput<typeof PendingOrdersResponse>;

/** POST /agent/orders/:id/ack. */
export const OrderAck = v.strictObject({ receivedAt: Timestamp });
export type OrderAck = v.InferOutput<typeof OrderAck>;

/** POST /agent/orders/:id/complete: the outcome, including refusals with their reason. */
export const OrderCompletion = v.strictObject({
  status: v.picklist(["succeeded", "failed", "refused"]),
  result: JsonObject,
  error: v.optional(LongText),
  finishedAt: Timestamp,
});
export type OrderCompletion = v.InferOutput<typeof OrderCompletion>;

/** Lifecycle of an order as the cloud tracks it. */
export const OrderState = v.picklist([
  "pending-approval",
  "pending",
  "acknowledged",
  "succeeded",
  "failed",
  "refused",
  "expired",
  "rejected",
]);
export type OrderState = v.InferOutput<typeof OrderState>;
