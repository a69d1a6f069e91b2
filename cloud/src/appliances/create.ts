import { eq } from "drizzle-orm";
import type { EnrollResponse } from "../../../protocol/provision.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { conflict } from "../http/errors.ts";
import { requireSite } from "../sites/require.ts";
import { registerAppliance } from "./register.ts";
import type { ApplianceCreate } from "./schemas.ts";

/** Register an appliance directly (admin): returns its API key once, like an enrolment. */
export async function createAppliance({
  ctx,
  input,
}: ServiceCall<ApplianceCreate & { siteId: string }>): Promise<EnrollResponse> {
  assertSiteRole(ctx.actor, "msp-admin", input.siteId);
  const applianceId = input.id ?? newId("app-", 6);
  return ctx.db.transaction(async (tx) => {
    await requireSite(tx, input.siteId);
    const [dup] = await tx
      .select({ id: appliances.id })
      .from(appliances)
      .where(eq(appliances.id, applianceId));
    if (dup) throw conflict(`appliance "${applianceId}" already exists`);
    const { apiKey } = await registerAppliance(tx, ctx.clock.now(), {
      siteId: input.siteId,
      applianceId,
      name: input.name,
      publicKey: input.publicKey,
      hostname: input.hostname,
    });
    await writeAudit(tx, ctx, {
      action: "appliance.create",
      target: `appliance:${applianceId}`,
      siteId: input.siteId,
      args: input,
    });
    return { siteId: input.siteId, applianceId, apiKey, cloudPublicKey: ctx.keys.publicKey };
  });
}
