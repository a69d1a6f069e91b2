import { eq, sql } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { siteCompliance } from "../web/data/compliance.ts";
import type { SiteConfigInput, SiteView } from "./schemas.ts";
import { siteView } from "./view.ts";

/**
 * Disabling a check that is scored would take a control out of the score unseen: a check whose
 * findings at the site cite a control can only be waived by an exception (program/exceptions.ts),
 * which carries a reason, a compensating control, an expiry and the clinic's acceptance.
 */
async function refuseScoredDisabled(
  ctx: ServiceCall<unknown>["ctx"],
  siteId: string,
  disabled: readonly string[],
) {
  if (disabled.length === 0) return;
  const { findings } = await siteCompliance(ctx, siteId);
  const scored = new Map<string, string[]>();
  for (const f of findings.values())
    if (disabled.includes(f.checkId) && f.citations.length > 0) scored.set(f.checkId, f.citations);
  if (scored.size > 0)
    throw badRequest(
      `scored checks cannot be disabled: ${[...scored].map(([id, cs]) => `${id} (${cs.join(", ")})`).join("; ")}. ` +
        `Propose an exception instead (POST /api/sites/${siteId}/program/exceptions): the clinic's security official accepts it, and it expires.`,
    );
}

/** Replace a site's config; the version increases so appliances re-sync (msp-tech). */
export async function updateSiteConfig({
  ctx,
  input,
}: ServiceCall<{ siteId: string; config: SiteConfigInput }>): Promise<SiteView> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  await refuseScoredDisabled(ctx, input.siteId, input.config.disabledChecks);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(sites)
      .set({ config: input.config, configVersion: sql`${sites.configVersion} + 1` })
      .where(eq(sites.id, input.siteId))
      .returning();
    if (!row) throw notFound(`no site "${input.siteId}"`);
    await writeAudit(tx, ctx, {
      action: "site.config",
      target: `site:${input.siteId}`,
      siteId: input.siteId,
      args: input,
    });
    return siteView(row);
  });
}
