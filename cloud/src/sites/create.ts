import { eq } from "drizzle-orm";
import { DEFAULT_SITE_CONFIG } from "../../../protocol/sync.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { conflict } from "../http/errors.ts";
import type { SiteCreate, SiteView } from "./schemas.ts";
import { siteView } from "./view.ts";

/** Create a site with the default config (fleet-wide msp-admin). */
export async function createSite({ ctx, input }: ServiceCall<SiteCreate>): Promise<SiteView> {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.id, input.id));
    if (existing) throw conflict(`site "${input.id}" already exists`);
    const { version: _v, ...config } = DEFAULT_SITE_CONFIG;
    const [row] = await tx
      .insert(sites)
      .values({
        id: input.id,
        name: input.name,
        tier: input.tier,
        config,
        configVersion: 1,
        createdAt: ctx.clock.now(),
      })
      .returning();
    await writeAudit(tx, ctx, {
      action: "site.create",
      target: `site:${input.id}`,
      siteId: input.id,
      args: input,
    });
    return siteView(row!);
  });
}
