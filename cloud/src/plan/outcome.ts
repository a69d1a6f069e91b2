import { eq } from "drizzle-orm";
import type { RunbookCatalogue } from "../../../lib/runbook-types.ts";
import type { Json } from "../../../protocol/common.ts";
import type { PlanOutcome, SignedPlan } from "../../../protocol/plan.ts";
import { writeAudit } from "../audit/audit.ts";
import type { ServiceCall } from "../context.ts";
import { plans } from "../db/schema/heal.ts";
import { conflict, forbidden, notFound } from "../http/errors.ts";
import { recordPatternOutcome } from "../learning/record.ts";
import type { LearningSettings } from "../learning/settings.ts";

/**
 * POST /agent/plan/:id/outcome: the appliance says what came of a plan. Applied outcomes count
 * towards the plan's learning pattern; an outcome is recorded once.
 */
export async function recordPlanOutcome({
  ctx,
  input,
  catalogue,
  learning,
}: ServiceCall<{ planId: string; outcome: PlanOutcome }> & {
  catalogue: RunbookCatalogue;
  learning: LearningSettings;
}): Promise<{ pattern: string | null; status: string | null }> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances report plan outcomes");
  return ctx.db.transaction(async (tx) => {
    const [plan] = await tx.select().from(plans).where(eq(plans.id, input.planId)).for("update");
    if (!plan || plan.applianceId !== actor.applianceId)
      throw notFound(`no plan ${input.planId} for this appliance`);
    if (plan.outcome !== null) throw conflict(`plan ${plan.id} already has outcome ${plan.outcome}`);
    const now = ctx.clock.now();
    await tx
      .update(plans)
      .set({ outcome: input.outcome.outcome, outcomeAt: now })
      .where(eq(plans.id, plan.id));
    await writeAudit(tx, ctx, {
      action: "plan.outcome",
      target: `plan:${plan.id}`,
      siteId: plan.siteId,
      args: { outcome: input.outcome },
    });
    const spec = plan.runbookId ? catalogue.get(plan.runbookId) : undefined;
    if (!plan.pattern || !spec || input.outcome.outcome === "not-applied")
      return { pattern: plan.pattern, status: null };
    const payload = (plan.signed as SignedPlan).payload;
    const r = await recordPatternOutcome(
      tx,
      {
        pattern: plan.pattern,
        checkId: plan.checkId,
        platform: spec.platform,
        runbookId: spec.id,
        params: payload.params as Json,
      },
      input.outcome.outcome === "fixed",
      now,
      learning,
    );
    return { pattern: plan.pattern, status: r.status };
  });
}
