import { eq, sql } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { notFound } from "../http/errors.ts";
import type { SiteConfigInput, SiteView } from "./schemas.ts";
import { siteView } from "./view.ts";

/** Replace a site's config; the version increases so appliances re-sync (msp-tech). */
export async function updateSiteConfig({
  ctx,
  input,
}: ServiceCall<{ siteId: string; config: SiteConfigInput }>): Promise<SiteView> {
  assertRole(ctx.actor, "msp-tech");
  assertSiteAccess(ctx.actor, input.siteId);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(sites)
      .set({ config: input.config, configVersion: sql`${sites.configVersion} + 1` })
      .where(eq(sites.id, input.siteId))
      .returning();
    if (!row) throw notFound(`no site "${input.siteId}"`);
    await writeAudit(tx, ctx, {
      action: "site.config",
      target: `site:${input.siteId}`,
      siteId: input.siteId,
      args: input,
    });
    return siteView(row);
  });
}
