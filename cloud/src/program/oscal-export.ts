/** OSCAL exports of a site as of now (read-only and up): its score with the program, in OSCAL JSON. */
import { eq } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { notFound } from "../http/errors.ts";
import { siteCompliance } from "../web/data/compliance.ts";
import { siteProgram } from "./evaluate.ts";
import { assessmentResults, poam } from "./oscal.ts";

/** The assessment-results or POA&M document of a site. */
export async function oscalExport({
  ctx,
  input,
}: ServiceCall<{ siteId: string; kind: "assessment-results" | "poam" }>) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const [site] = await ctx.db
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(eq(sites.id, input.siteId));
  if (!site) throw notFound(`no site "${input.siteId}"`);
  const p = await siteProgram(ctx, site.id);
  const score = await siteCompliance(ctx, site.id, p.evaluation);
  const i = {
    site,
    score,
    program: p.evaluation,
    state: p.state,
    now: ctx.clock.now(),
    baseUrl: ctx.config.publicUrl,
  };
  return input.kind === "poam" ? poam(i) : assessmentResults(i);
}
