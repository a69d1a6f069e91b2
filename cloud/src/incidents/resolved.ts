import { and, desc, eq } from "drizzle-orm";
import type { Incident } from "../../../protocol/incident.ts";
import type { ServiceContext } from "../context.ts";
import { incidents } from "../db/schema/heal.ts";
import { forbidden } from "../http/errors.ts";

/**
 * GET /agent/incidents: the calling appliance's incidents a person resolved in the cloud, newest
 * first, so the appliance closes its own copy (and heals that drift again).
 */
export async function cloudResolvedFor({ ctx }: { ctx: ServiceContext }): Promise<{ incidents: Incident[] }> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances read their resolved incidents");
  const rows = await ctx.db
    .select({ body: incidents.body })
    .from(incidents)
    .where(and(eq(incidents.applianceId, actor.applianceId), eq(incidents.status, "resolved")))
    .orderBy(desc(incidents.updatedAt))
    .limit(100);
  return { incidents: rows.map((r) => r.body as Incident) };
}
