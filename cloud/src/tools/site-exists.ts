import { eq } from "drizzle-orm";
import { assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { notFound } from "../http/errors.ts";

/**
 * Refuse unless the actor may see `siteId` and it exists. Scope is checked first, so a scoped
 * token learns nothing about which other sites exist.
 */
export async function requireSite(ctx: ServiceContext, siteId: string): Promise<typeof sites.$inferSelect> {
  assertSiteAccess(ctx.actor, siteId);
  const [row] = await ctx.db.select().from(sites).where(eq(sites.id, siteId)).limit(1);
  if (!row) throw notFound(`siteId: no site "${siteId}"`);
  return row;
}
