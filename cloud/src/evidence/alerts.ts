import { desc, eq } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { evidenceAlerts } from "../db/schema/evidence.ts";

/** Chain alerts recorded at ingest for a site (gaps, forks, bad links and signatures), newest first. */
export async function listEvidenceAlerts({ ctx, input }: { ctx: ServiceContext; input: { siteId: string } }) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const rows = await ctx.db
    .select()
    .from(evidenceAlerts)
    .where(eq(evidenceAlerts.siteId, input.siteId))
    .orderBy(desc(evidenceAlerts.id))
    .limit(500);
  return {
    alerts: rows.map((r) => ({
      id: r.id,
      applianceId: r.applianceId,
      kind: r.kind,
      seq: r.seq === null ? null : Number(r.seq),
      message: r.message,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
