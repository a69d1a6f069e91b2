import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { ListSitesInput, ListSitesOutput, type SiteSummary } from "../../../protocol/mcp.ts";
import { appliances } from "../db/schema/appliances.ts";
import { sites } from "../db/schema/sites.ts";
import { scopedSite } from "./site-scope.ts";
import { defineTool } from "./tool.ts";

/** list_sites: the sites the token may see, with their appliances. */
export const listSites = defineTool({
  name: "list_sites",
  title: "List sites",
  description:
    "Clinics (sites) this token may see, each with its appliances, agent versions and last check-in. " +
    "A site-scoped token sees only its own site.",
  kind: "read",
  minRole: "read-only",
  input: ListSitesInput,
  output: ListSitesOutput,
  async run({ ctx }) {
    const only = scopedSite(ctx.actor);
    const siteRows = await ctx.db
      .select({ id: sites.id, name: sites.name, tier: sites.tier })
      .from(sites)
      .where(only === null ? undefined : eq(sites.id, only))
      .orderBy(asc(sites.id));
    const ids = siteRows.map((s) => s.id);
    const appRows =
      ids.length === 0
        ? []
        : await ctx.db
            .select()
            .from(appliances)
            .where(and(inArray(appliances.siteId, ids), isNull(appliances.deletedAt)))
            .orderBy(asc(appliances.id));
    const out: SiteSummary[] = siteRows.map((s) => ({
      ...s,
      appliances: appRows
        .filter((a) => a.siteId === s.id)
        .map((a) => ({
          id: a.id,
          name: a.name,
          agentVersion: a.agentVersion,
          lastCheckinAt: a.lastCheckinAt?.toISOString() ?? null,
        })),
    }));
    return { sites: out };
  },
});
