import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sites } from "../db/schema/sites.ts";
import { notFound } from "../http/errors.ts";

/** Refuse with a 404 unless the site exists: the first step of every verb that adds something to a site. */
export async function requireSite(db: Db, siteId: string): Promise<void> {
  const [site] = await db.select({ id: sites.id }).from(sites).where(eq(sites.id, siteId));
  if (!site) throw notFound(`no site "${siteId}"`);
}
