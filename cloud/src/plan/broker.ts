import type { Json } from "../../../protocol/common.ts";
import type { Plan, PlannerReply, PlanRequest, SignedPlan } from "../../../protocol/plan.ts";
import type { RunbookSpec } from "../../../protocol/runbook.ts";
import { signPayload } from "../../../protocol/signed.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { plans } from "../db/schema/heal.ts";
import { ApiError, forbidden } from "../http/errors.ts";
import { patternKey } from "../learning/pattern.ts";
import { consume, enforce } from "../ratelimit/limiter.ts";
import { planAllowList } from "./allowlist.ts";
import { breakerOpenUntil, recordProviderCall } from "./breaker.ts";
import { looksInjected, planMessages, runbookTools } from "./prompt.ts";
import { chatCompletion, ProviderError } from "./provider.ts";
import { readReply } from "./reply.ts";
import type { PlannerSettings } from "./settings.ts";

const RANK = { low: 0, medium: 1, high: 2 } as const;
const DAY_SEC = 86_400;

/** The gate: what the appliance may do with a validated reply. */
export function decide(
  reply: PlannerReply,
  spec: RunbookSpec | null,
  s: Pick<PlannerSettings, "minConfidence" | "autoApplyMaxBlast">,
  injected: boolean,
): Plan["decision"] {
  if (reply.runbookId === null || spec === null) return "none";
  if (reply.requiresHumanReview || injected) return "needs-approval";
  if (reply.confidence < s.minConfidence) return "needs-approval";
  if (RANK[spec.blastRadius] > RANK[s.autoApplyMaxBlast]) return "needs-approval";
  return "auto-apply";
}

/**
 * POST /agent/plan: ask the model for a plan for one scrubbed incident and sign it. The model sees
 * only the runbooks the allow-list gives this incident as tools; whatever it answers is validated,
 * and a refused answer becomes a signed "none" plan (the appliance escalates to a person).
 * Limits: per-site requests per window (429), daily budgets per site and fleet (429), the
 * provider breaker (503), a timeout per call.
 */
export async function planForIncident({
  ctx,
  input,
  settings,
}: ServiceCall<PlanRequest> & {
  settings: PlannerSettings;
}): Promise<SignedPlan> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances ask for plans");
  const { incident } = input;
  if (incident.applianceId !== actor.applianceId) {
    throw forbidden(
      `incident ${incident.id} belongs to appliance ${incident.applianceId}, not ${actor.applianceId}`,
    );
  }
  if (!settings.url) {
    throw new ApiError(503, "l2_disabled", "L2 planning is not configured on this cloud (L2_LLM_URL)", {
      retryable: false,
    });
  }
  await enforce(
    ctx.db,
    ctx.clock,
    `l2:site:${actor.siteId}`,
    settings.siteLimit,
    "L2 planning requests for this site",
  );

  const now = ctx.clock.now();
  const allowed = planAllowList(settings.catalogue, incident, input.allowedRunbooks);
  let reply: PlannerReply;
  let params: Record<string, Json> = {};
  let spec: RunbookSpec | null = null;
  let model = settings.model;
  if (allowed.length === 0) {
    reply = none("no catalogued runbook the appliance offered fixes this check");
  } else {
    for (const [bucket, limit] of [
      [`l2-day:site:${actor.siteId}`, settings.dailyBudgetPerSite],
      ["l2-day:fleet", settings.dailyBudgetFleet],
    ] as const) {
      const d = await consume(ctx.db, ctx.clock, bucket, { limit, windowSec: DAY_SEC });
      if (!d.ok) {
        throw new ApiError(
          429,
          "rate_limited",
          `daily L2 budget of ${limit} model calls reached (${bucket})`,
          {
            retryable: true,
            retryAfterSec: d.retryAfterSec,
          },
        );
      }
    }
    const openUntil = await breakerOpenUntil(ctx.db, "llm", now);
    if (openUntil) {
      const retryAfterSec = Math.max(1, Math.ceil((openUntil.getTime() - now.getTime()) / 1000));
      throw new ApiError(
        503,
        "l2_unavailable",
        `L2 provider breaker open after repeated failures; retry after ${retryAfterSec}s`,
        {
          retryable: true,
          retryAfterSec,
        },
      );
    }
    try {
      const answer = await chatCompletion(settings, planMessages(incident, allowed), runbookTools(allowed));
      await recordProviderCall(ctx.db, "llm", true, now, settings.breaker);
      model = answer.model;
      const read = readReply(answer, allowed);
      if (read.ok) {
        reply = read.reply;
        spec = read.spec;
        params = read.params;
      } else {
        reply = none(`planner reply refused: ${read.reason}`);
        ctx.logger.warn("L2 reply refused", {
          incidentId: incident.id,
          siteId: actor.siteId,
          reason: read.reason,
        });
      }
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      await recordProviderCall(ctx.db, "llm", false, now, settings.breaker);
      throw new ApiError(503, "l2_unavailable", e.message, { retryable: true });
    }
  }

  const plan: Plan = {
    id: newId("plan_"),
    incidentId: incident.id,
    siteId: actor.siteId,
    applianceId: actor.applianceId,
    runbookId: spec?.id ?? null,
    params,
    confidence: reply.confidence,
    reasoning: reply.reasoning,
    decision: decide(reply, spec, settings, looksInjected(incident)),
    model: model.slice(0, 500),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.planTtlSec * 1000).toISOString(),
  };
  const signed = signPayload(plan, ctx.keys.secretKey);
  await ctx.db.insert(plans).values({
    id: plan.id,
    siteId: plan.siteId,
    applianceId: plan.applianceId,
    incidentId: plan.incidentId,
    checkId: incident.checkId,
    runbookId: plan.runbookId,
    pattern: spec ? patternKey(incident.checkId, spec.id, params) : null,
    decision: plan.decision,
    confidence: plan.confidence,
    model: plan.model,
    signed,
    createdAt: now,
  });
  return signed;
}

function none(reasoning: string): PlannerReply {
  return {
    runbookId: null,
    params: {},
    confidence: 0,
    reasoning: reasoning.slice(0, 500),
    requiresHumanReview: true,
  };
}
