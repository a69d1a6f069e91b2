import type { JsonObject } from "../../../protocol/common.ts";
import type { Order, OrderType, SignedOrder } from "../../../protocol/order.ts";
import { signPayload } from "../../../protocol/signed.ts";
import type { orders } from "../db/schema/orders.ts";
import type { CloudKeys } from "../keys/cloud-keys.ts";

/** Sign an order row with the cloud's order key (target, expiry and nonce are in the payload). */
export function signOrder(row: typeof orders.$inferSelect, issuedAt: Date, keys: CloudKeys): SignedOrder {
  const payload: Order = {
    id: row.id,
    siteId: row.siteId,
    applianceId: row.applianceId,
    type: row.type as OrderType,
    params: row.params as JsonObject,
    issuedAt: issuedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    nonce: row.nonce,
    issuedBy: row.issuedBy.slice(0, 500),
  };
  return signPayload(payload, keys.secretKey);
}
