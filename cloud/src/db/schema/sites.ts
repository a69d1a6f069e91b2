import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/** A clinic. `config` holds the SiteConfig without its version, which lives in `configVersion`. */
export const sites = pgTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Retention tier of the site's evidence: essential | professional | enterprise. */
  tier: text("tier").notNull(),
  config: jsonb("config").notNull(),
  configVersion: integer("config_version").notNull(),
  createdAt: timestamptz("created_at").notNull(),
});
