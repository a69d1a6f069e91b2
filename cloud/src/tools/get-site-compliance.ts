import { and, eq, gte } from "drizzle-orm";
import type { Finding } from "../../../protocol/finding.ts";
import { SiteComplianceOutput, SiteInput } from "../../../protocol/mcp.ts";
import { computeScore } from "../../../protocol/score.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool } from "./tool.ts";

/** Findings older than this no longer describe the site (checks run every few minutes). */
export const COMPLIANCE_LOOKBACK_DAYS = 30;

/** get_site_compliance: the site's score per HIPAA control, from its stored, verified evidence. */
export const getSiteCompliance = defineTool({
  name: "get_site_compliance",
  title: "Site compliance per HIPAA control",
  description:
    "Compliance score of a site per HIPAA Security Rule control (pass / warn / fail / unknown / unassessed), " +
    "each with the latest findings (check, host, status, time) behind it, computed from the site's signed " +
    `evidence of the last ${COMPLIANCE_LOOKBACK_DAYS} days.`,
  kind: "read",
  minRole: "read-only",
  input: SiteInput,
  output: SiteComplianceOutput,
  siteOf: (input) => input.siteId,
  async run({ ctx, input }) {
    await requireSite(ctx, input.siteId);
    const now = ctx.clock.now();
    const since = new Date(now.getTime() - COMPLIANCE_LOOKBACK_DAYS * 86_400_000);
    const rows = await ctx.db
      .select({ body: evidenceChain.body })
      .from(evidenceChain)
      .where(and(eq(evidenceChain.siteId, input.siteId), gte(evidenceChain.createdAt, since)));
    // Bodies are exactly the verified canonical JSON of each bundle.
    const findings: Finding[] = rows.flatMap((r) => (JSON.parse(r.body) as { findings: Finding[] }).findings);
    const score = computeScore(findings);
    return {
      siteId: input.siteId,
      computedAt: now.toISOString(),
      findingsConsidered: findings.length,
      ...score,
    };
  },
});
