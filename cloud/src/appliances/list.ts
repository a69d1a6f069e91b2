import { asc } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { siteLiveAppliances } from "./live.ts";
import type { ApplianceView } from "./schemas.ts";
import { applianceView } from "./view.ts";

/** A site's appliances (deleted ones excluded). */
export async function listAppliances({
  ctx,
  input,
}: ServiceCall<{ siteId: string }>): Promise<{ appliances: ApplianceView[] }> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const rows = await ctx.db
    .select()
    .from(appliances)
    .where(siteLiveAppliances(input.siteId))
    .orderBy(asc(appliances.id));
  return { appliances: rows.map(applianceView) };
}
