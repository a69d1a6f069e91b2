import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { sites } from "./sites.ts";

/** People of a clinic who may sign in to the client portal (by magic link) for their one site. */
export const portalUsers = pgTable(
  "portal_users",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id),
    /** Lower-cased e-mail address; the same address may belong to several sites. */
    email: text("email").notNull(),
    name: text("name"),
    createdAt: timestamptz("created_at").notNull(),
    disabledAt: timestamptz("disabled_at"),
  },
  (t) => [
    uniqueIndex("portal_users_site_email_idx").on(t.siteId, t.email),
    index("portal_users_email_idx").on(t.email),
  ],
);

/** Single-use portal sign-in links: only the SHA-256 of the token is stored. */
export const magicLinks = pgTable("magic_links", {
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id").notNull(),
  siteId: text("site_id").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  expiresAt: timestamptz("expires_at").notNull(),
  usedAt: timestamptz("used_at"),
});

/**
 * Browser sessions of the dashboard (kind admin, bound to the admin token that opened it) and the
 * portal (kind portal, bound to a portal user and their site). Only the cookie's SHA-256 is stored.
 */
export const webSessions = pgTable(
  "web_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    kind: text("kind").notNull(),
    adminTokenId: text("admin_token_id"),
    portalUserId: text("portal_user_id"),
    siteId: text("site_id"),
    /** Per-session CSRF token every form must echo. */
    csrf: text("csrf").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("web_sessions_expires_idx").on(t.expiresAt)],
);

export type PortalUserRow = typeof portalUsers.$inferSelect;
export type WebSessionRow = typeof webSessions.$inferSelect;
