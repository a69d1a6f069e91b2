import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * MAC → site registrations made by an admin before an appliance boots. The enroll code is served
 * to the MAC by GET /api/provision/:mac and is single-use (`usedAt`).
 */
export const provisions = pgTable("provisions", {
  mac: text("mac").primaryKey(),
  siteId: text("site_id").notNull(),
  applianceName: text("appliance_name"),
  enrollCode: text("enroll_code").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
  applianceId: text("appliance_id"),
});
