import { and, desc, eq } from "drizzle-orm";
import { scrubJson, scrubText } from "../../../lib/phi/scrub.ts";
import { clipText } from "../../../protocol/common.ts";
import type { Incident } from "../../../protocol/incident.ts";
import type { SiteIncident } from "../../../protocol/mcp.ts";
import type { ServiceContext } from "../context.ts";
import { incidents } from "../db/schema/heal.ts";
import { notFound } from "../http/errors.ts";
import { scopedSite } from "./site-scope.ts";

/**
 * An incident as tools show it, its free text scrubbed of PHI once more at this boundary:
 * appliances scrub before sending, but what leaves the cloud towards an LLM is checked again.
 */
export function scrubbedIncident(row: typeof incidents.$inferSelect): SiteIncident {
  const i = row.body as Incident;
  const incident: Incident = {
    ...i,
    title: clipText(scrubText(i.title), 500),
    summary: clipText(scrubText(i.summary), 20_000),
    details: scrubJson(i.details),
    ...(i.resolution !== undefined ? { resolution: clipText(scrubText(i.resolution), 500) } : {}),
  };
  return { siteId: row.siteId, incident };
}

/**
 * One incident the actor may see. Another site's incident answers exactly like a missing one,
 * so a scoped token cannot probe which incidents exist elsewhere.
 */
export async function findSiteIncident(
  ctx: ServiceContext,
  applianceId: string,
  incidentId: string,
): Promise<SiteIncident> {
  const only = scopedSite(ctx.actor);
  const [row] = await ctx.db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.applianceId, applianceId),
        eq(incidents.id, incidentId),
        only === null ? undefined : eq(incidents.siteId, only),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`incidentId: no incident "${incidentId}" from appliance ${applianceId}`);
  return scrubbedIncident(row);
}

/** Incidents newest first, in one site (or every site the actor may see), optionally by status. */
export async function listSiteIncidents(
  ctx: ServiceContext,
  q: { siteId?: string; status?: "open" | "resolved"; limit: number },
): Promise<SiteIncident[]> {
  const site = q.siteId ?? scopedSite(ctx.actor);
  const rows = await ctx.db
    .select()
    .from(incidents)
    .where(
      and(
        site === null ? undefined : eq(incidents.siteId, site),
        q.status === undefined ? undefined : eq(incidents.status, q.status),
      ),
    )
    .orderBy(desc(incidents.openedAt))
    .limit(q.limit);
  return rows.map(scrubbedIncident);
}
