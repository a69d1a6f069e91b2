import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A clinic. `config` holds the SiteConfig without its version, which lives in `configVersion`. */
export const sites = pgTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Retention tier of the site's evidence: essential | professional | enterprise. */
  tier: text("tier").notNull(),
  config: jsonb("config").notNull(),
  configVersion: integer("config_version").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
