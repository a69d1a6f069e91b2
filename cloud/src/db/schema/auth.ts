import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Admin bearer tokens (SHA-256 stored), with a role and an optional site scope. */
export const adminTokens = pgTable("admin_tokens", {
  id: text("id").primaryKey(),
  hash: text("hash").notNull().unique(),
  name: text("name").notNull(),
  /** msp-admin | msp-tech | read-only */
  role: text("role").notNull(),
  /** When set, the token can only see and act on this site. */
  siteId: text("site_id"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
});
