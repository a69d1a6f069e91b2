import * as v from "valibot";
import { describeIssues, Id, KeyId, SignatureHex } from "../../../protocol/common.ts";
import { ORDER_PARAMS, Order, OrderType } from "../../../protocol/order.ts";
import { type TrustedKeys, verifyTrusted } from "../../../protocol/signed.ts";

/** Why an order was refused; `reason` is the technician-readable sentence reported to the cloud. */
export type RefusalCode =
  | "malformed"
  | "bad-signature"
  | "unknown-type"
  | "bad-params"
  | "wrong-target"
  | "not-yet-valid"
  | "expired"
  | "replayed";

/** Outcome of checking one order envelope as it came off the wire. */
export type OrderCheck =
  | { ok: true; order: Order }
  | { ok: false; code: RefusalCode; reason: string; orderId?: string };

/** What the agent knows about itself when judging an order. */
export interface OrderContext {
  /** The cloud's order-signing public key (hex) the agent trusts; without one every order is refused. */
  cloudPublicKey: TrustedKeys | undefined;
  siteId: string;
  applianceId: string;
  now: Date;
  /** Tolerated clock difference between cloud and appliance for issuedAt (ms). */
  skewMs?: number;
}

/** Default tolerance for an order issued slightly "in the future" by a cloud whose clock runs ahead. */
export const DEFAULT_SKEW_MS = 5 * 60_000;

// Just enough shape to verify a signature: the payload is checked against Order only once we know
// the cloud signed it, so an unsigned junk payload never gets a detailed schema diagnosis.
const Envelope = v.strictObject({
  payload: v.record(v.string(), v.unknown()),
  keyId: KeyId,
  sig: SignatureHex,
});

function idOf(raw: unknown): string | undefined {
  const id = (raw as { payload?: { id?: unknown } } | null)?.payload?.id;
  return v.is(Id, id) ? id : undefined;
}

/**
 * Check an order envelope: shape, the cloud's Ed25519 signature, known type, parameters, target
 * site and appliance, validity window. Pure: the nonce is checked by the caller against its store.
 */
export function checkOrder(raw: unknown, ctx: OrderContext): OrderCheck {
  const orderId = idOf(raw);
  const refuse = (code: RefusalCode, reason: string): OrderCheck => ({ ok: false, code, reason, orderId });

  const env = v.safeParse(Envelope, raw);
  if (!env.success) return refuse("malformed", `order envelope is malformed: ${describeIssues(env.issues)}`);
  if (!ctx.cloudPublicKey) {
    return refuse("bad-signature", "no [cloud] public_key is configured on this appliance to verify orders");
  }
  const sig = verifyTrusted(env.output, ctx.cloudPublicKey);
  if (!sig.ok) return refuse("bad-signature", `order signature rejected: ${sig.reason}`);

  const type = env.output.payload.type;
  if (!v.is(OrderType, type)) {
    return refuse(
      "unknown-type",
      `unknown order type ${JSON.stringify(type)} (allowed: ${OrderType.options.join(", ")})`,
    );
  }
  const parsed = v.safeParse(Order, env.output.payload);
  if (!parsed.success) return refuse("malformed", `order is malformed: ${describeIssues(parsed.issues)}`);
  const order = parsed.output;
  const params = v.safeParse(ORDER_PARAMS[order.type], order.params);
  if (!params.success) {
    return refuse("bad-params", `${order.type} parameters rejected: ${describeIssues(params.issues)}`);
  }

  if (order.siteId !== ctx.siteId || order.applianceId !== ctx.applianceId) {
    return refuse(
      "wrong-target",
      `order is for appliance ${order.applianceId} of site ${order.siteId}, this is ${ctx.applianceId} of site ${ctx.siteId}`,
    );
  }
  const now = ctx.now.getTime();
  const issued = Date.parse(order.issuedAt);
  const expires = Date.parse(order.expiresAt);
  if (expires <= issued)
    return refuse("malformed", `order expires (${order.expiresAt}) before it was issued`);
  if (issued > now + (ctx.skewMs ?? DEFAULT_SKEW_MS)) {
    return refuse(
      "not-yet-valid",
      `order issued at ${order.issuedAt}, later than this appliance's clock (${ctx.now.toISOString()}) allows`,
    );
  }
  if (now >= expires) {
    return refuse("expired", `order expired at ${order.expiresAt} (appliance time ${ctx.now.toISOString()})`);
  }
  return { ok: true, order };
}
