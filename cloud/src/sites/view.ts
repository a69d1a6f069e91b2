import type { SiteConfig } from "../../../protocol/sync.ts";
import type { Tier } from "../config.ts";
import type { sites } from "../db/schema/sites.ts";
import type { SiteView } from "./schemas.ts";

/** The SiteConfig of a site row (stored config + its version). */
export function siteConfigOf(row: typeof sites.$inferSelect): SiteConfig {
  return { ...(row.config as Omit<SiteConfig, "version">), version: row.configVersion };
}

/** A site row as the API shows it. */
export function siteView(row: typeof sites.$inferSelect): SiteView {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier as Tier,
    config: siteConfigOf(row),
    createdAt: row.createdAt.toISOString(),
  };
}
