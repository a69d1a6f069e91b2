import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/** Orders for appliances. `signed` is the SignedOrder as delivered; set once the order is approved. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    applianceId: text("appliance_id").notNull(),
    type: text("type").notNull(),
    params: jsonb("params").notNull(),
    /** OrderState from protocol/order.ts. */
    state: text("state").notNull(),
    nonce: text("nonce").notNull().unique(),
    signed: jsonb("signed"),
    issuedBy: text("issued_by").notNull(),
    reason: text("reason"),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: timestamptz("decided_at"),
    ackedAt: timestamptz("acked_at"),
    completedAt: timestamptz("completed_at"),
    completion: jsonb("completion"),
  },
  (t) => [
    index("orders_appliance_state_idx").on(t.applianceId, t.state),
    index("orders_site_idx").on(t.siteId, t.createdAt),
  ],
);
