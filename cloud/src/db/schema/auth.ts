import { pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/** Admin bearer tokens (SHA-256 stored), with a role and an optional site scope. */
export const adminTokens = pgTable("admin_tokens", {
  id: text("id").primaryKey(),
  hash: text("hash").notNull().unique(),
  name: text("name").notNull(),
  /** msp-admin | msp-tech | read-only */
  role: text("role").notNull(),
  /** When set, the token can only see and act on this site. */
  siteId: text("site_id"),
  createdAt: timestamptz("created_at").notNull(),
  expiresAt: timestamptz("expires_at"),
  revokedAt: timestamptz("revoked_at"),
});
