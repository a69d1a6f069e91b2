import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
    ackedAt: timestamp("acked_at", { withTimezone: true, mode: "date" }),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    completion: jsonb("completion"),
  },
  (t) => [
    index("orders_appliance_state_idx").on(t.applianceId, t.state),
    index("orders_site_idx").on(t.siteId, t.createdAt),
  ],
);
