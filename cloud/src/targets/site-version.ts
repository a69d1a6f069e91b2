import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { siteTargets } from "../db/schema/targets.ts";

/** Bump the site's targets version (appliances sync when it moved); returns the new version. */
export async function bumpTargetsVersion(tx: Db, siteId: string): Promise<number> {
  const [row] = await tx
    .insert(siteTargets)
    .values({ siteId, version: 1 })
    .onConflictDoUpdate({ target: siteTargets.siteId, set: { version: sql`${siteTargets.version} + 1` } })
    .returning({ version: siteTargets.version });
  return row!.version;
}

/** The site's current targets version (0 before any target was entered). */
export async function targetsVersion(db: Db, siteId: string): Promise<number> {
  const [row] = await db
    .select({ version: siteTargets.version })
    .from(siteTargets)
    .where(eq(siteTargets.siteId, siteId));
  return row?.version ?? 0;
}
