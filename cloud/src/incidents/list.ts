import { and, desc, eq } from "drizzle-orm";
import type { Incident } from "../../../protocol/incident.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { incidents } from "../db/schema/heal.ts";
import type { SiteIncidentView } from "./view.ts";

/** A site's incidents, newest first, optionally only open or resolved ones. */
export async function listIncidents({
  ctx,
  input,
}: ServiceCall<{ siteId: string; status?: "open" | "resolved"; limit?: number }>): Promise<
  SiteIncidentView[]
> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const where = input.status
    ? and(eq(incidents.siteId, input.siteId), eq(incidents.status, input.status))
    : eq(incidents.siteId, input.siteId);
  const rows = await ctx.db
    .select({ siteId: incidents.siteId, body: incidents.body })
    .from(incidents)
    .where(where)
    .orderBy(desc(incidents.openedAt))
    .limit(Math.min(input.limit ?? 200, 1000));
  return rows.map((r) => ({ siteId: r.siteId, incident: r.body as Incident }));
}
