import { asc, count, eq } from "drizzle-orm";
import { siteLiveAppliances } from "../../appliances/live.ts";
import type { Db } from "../../db/client.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import { sites } from "../../db/schema/sites.ts";
import { pageNotFound } from "../errors.tsx";

/** The site row, or the web's 404. */
export async function siteOr404(db: Db, siteId: string) {
  const [s] = await db.select().from(sites).where(eq(sites.id, siteId));
  if (!s) throw pageNotFound();
  return s;
}

/** Active appliances of a site with what their last check-in said. */
export async function siteAppliances(db: Db, siteId: string) {
  return db.select().from(appliances).where(siteLiveAppliances(siteId)).orderBy(asc(appliances.id));
}

/** Number of evidence bundles a site holds (one aggregate, never the rows). */
export async function bundleCount(db: Db, siteId: string): Promise<number> {
  const [r] = await db.select({ n: count() }).from(evidenceChain).where(eq(evidenceChain.siteId, siteId));
  return Number(r?.n ?? 0);
}
