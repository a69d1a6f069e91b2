import { asc, eq } from "drizzle-orm";
import { assertRole, assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { notFound } from "../http/errors.ts";
import type { SiteView } from "./schemas.ts";
import { siteView } from "./view.ts";

/** Sites the actor may see (a site-scoped token sees its own). */
export async function listSites({ ctx }: { ctx: ServiceContext }): Promise<{ sites: SiteView[] }> {
  assertRole(ctx.actor, "read-only");
  const scope = ctx.actor.type === "admin" ? ctx.actor.siteId : null;
  const rows = await ctx.db
    .select()
    .from(sites)
    .where(scope === null ? undefined : eq(sites.id, scope))
    .orderBy(asc(sites.id));
  return { sites: rows.map(siteView) };
}

/** One site. */
export async function getSite({ ctx, input }: ServiceCall<{ siteId: string }>): Promise<SiteView> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const [row] = await ctx.db.select().from(sites).where(eq(sites.id, input.siteId));
  if (!row) throw notFound(`no site "${input.siteId}"`);
  return siteView(row);
}
