import { and, eq } from "drizzle-orm";
import { scrubJson } from "../../../lib/phi/scrub.ts";
import type { Incident, IncidentReport } from "../../../protocol/incident.ts";
import type { ServiceCall } from "../context.ts";
import { incidents } from "../db/schema/heal.ts";
import { forbidden } from "../http/errors.ts";

/**
 * POST /agent/incidents: store the appliance's incidents (upsert by appliance + id). The text is
 * scrubbed again here (defence in depth: PHI must never rest in the cloud). An incident a person
 * already resolved in the cloud stays resolved; later reports only update its counts.
 */
export async function ingestIncidents({
  ctx,
  input,
}: ServiceCall<IncidentReport>): Promise<{ stored: number }> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances report incidents");
  const foreign = input.incidents.find((i) => i.applianceId !== actor.applianceId);
  if (foreign)
    throw forbidden(
      `incident ${foreign.id} names appliance ${foreign.applianceId}, not ${actor.applianceId}`,
    );
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    for (const reported of input.incidents) {
      const i = scrubJson(reported) as Incident;
      const [held] = await tx
        .select({ status: incidents.status, body: incidents.body })
        .from(incidents)
        .where(and(eq(incidents.applianceId, actor.applianceId), eq(incidents.id, i.id)));
      const cloudResolved = held?.status === "resolved" && i.status === "open";
      const body: Incident = cloudResolved ? { ...(held.body as Incident), occurrences: i.occurrences } : i;
      await tx
        .insert(incidents)
        .values({
          applianceId: actor.applianceId,
          id: i.id,
          siteId: actor.siteId,
          checkId: i.checkId,
          host: i.host,
          severity: i.severity,
          tier: i.tier,
          status: body.status,
          body,
          openedAt: new Date(i.openedAt),
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [incidents.applianceId, incidents.id],
          set: { tier: body.tier, status: body.status, severity: body.severity, body, updatedAt: now },
        });
    }
  });
  return { stored: input.incidents.length };
}
