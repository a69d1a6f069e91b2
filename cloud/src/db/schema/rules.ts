import { integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Published L1 rule sets. `siteId` null is the fleet-wide set; a site's own set overrides it.
 * Each publish inserts a new version (never updated), so a sync is reproducible.
 */
export const ruleSets = pgTable(
  "rule_sets",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id"),
    version: integer("version").notNull(),
    rules: jsonb("rules").notNull(),
    publishedBy: text("published_by").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [uniqueIndex("rule_sets_scope_version_idx").on(t.siteId, t.version)],
);
