import { randomBytes } from "node:crypto";
import type { Order } from "../../../protocol/order.ts";
import { signPayload } from "../../../protocol/signed.ts";

/** A well-formed order for tests, valid for an hour from `now`; override any field. */
export function sampleOrder(overrides: Partial<Order> = {}, now = new Date()): Order {
  return {
    id: `ord-${randomBytes(4).toString("hex")}`,
    siteId: "site-a",
    applianceId: "app-1",
    type: "run_check",
    params: {},
    issuedAt: new Date(now.getTime() - 1_000).toISOString(),
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
    nonce: randomBytes(16).toString("hex"),
    issuedBy: "tech@msp.example",
    ...overrides,
  };
}

/** Sign an order (or any payload pretending to be one) as the cloud would. */
export function signOrder(order: unknown, cloudSecretKey: string) {
  return signPayload(order, cloudSecretKey);
}
