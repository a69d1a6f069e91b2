import { eq } from "drizzle-orm";
import type { ProvisionRecord } from "../../../protocol/provision.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { provisions } from "../db/schema/provisioning.ts";
import { notFound } from "../http/errors.ts";
import { provisionRecord } from "./view.ts";

/**
 * A MAC's registration, one-time code included (msp-tech, within the token's site). The code is a
 * secret for a technician to deliver out of band; an appliance enrolling by MAC claims instead.
 */
export async function getProvision({ ctx, input }: ServiceCall<{ mac: string }>): Promise<ProvisionRecord> {
  assertRole(ctx.actor, "msp-tech");
  const [row] = await ctx.db.select().from(provisions).where(eq(provisions.mac, input.mac));
  if (!row) throw notFound(`MAC ${input.mac} is not registered`);
  assertSiteAccess(ctx.actor, row.siteId);
  return provisionRecord(row, ctx.config.publicUrl);
}
