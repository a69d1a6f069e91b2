import { and, eq } from "drizzle-orm";
import { resolved } from "../../../lib/incident.ts";
import type { Incident } from "../../../protocol/incident.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { incidents } from "../db/schema/heal.ts";
import { conflict, notFound } from "../http/errors.ts";
import type { SiteIncidentView } from "./view.ts";

/** A person (msp-tech or above) resolves an incident in the cloud; audited. */
export async function resolveSiteIncident({
  ctx,
  input,
}: ServiceCall<{
  siteId: string;
  applianceId: string;
  incidentId: string;
  resolution: string;
}>): Promise<SiteIncidentView> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  return ctx.db.transaction(async (tx) => {
    const key = and(eq(incidents.applianceId, input.applianceId), eq(incidents.id, input.incidentId));
    const [row] = await tx.select().from(incidents).where(key).for("update");
    if (!row || row.siteId !== input.siteId)
      throw notFound(
        `no incident ${input.incidentId} of appliance ${input.applianceId} at site ${input.siteId}`,
      );
    const held = row.body as Incident;
    if (held.status === "resolved")
      throw conflict(`incident ${input.incidentId} was already resolved by ${held.resolvedBy}`);
    const now = ctx.clock.now();
    const body = resolved(held, actorLabel(ctx.actor), input.resolution, now.toISOString());
    await tx.update(incidents).set({ status: "resolved", body, updatedAt: now }).where(key);
    await writeAudit(tx, ctx, {
      action: "incident.resolve",
      target: `incident:${input.applianceId}/${input.incidentId}`,
      siteId: input.siteId,
      args: input,
    });
    return { siteId: input.siteId, incident: body };
  });
}
