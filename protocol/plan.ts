import * as v from "valibot";
import { Id, JsonObject, ShortText, Slug, Timestamp } from "./common.ts";
import { Incident } from "./incident.ts";
import { Signed } from "./signed.ts";

/** POST /agent/plan: the appliance asks the cloud's L2 broker for a plan for a scrubbed incident. */
export const PlanRequest = v.strictObject({
  incident: Incident,
  /** Runbooks the appliance has and allows for this incident. */
  allowedRunbooks: v.pipe(v.array(Slug), v.maxLength(200)),
});
export type PlanRequest = v.InferOutput<typeof PlanRequest>;

/** What the LLM must answer (validated strictly; anything else is refused). */
export const PlannerReply = v.strictObject({
  runbookId: v.nullable(Slug),
  params: JsonObject,
  confidence: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  reasoning: ShortText,
  requiresHumanReview: v.boolean(),
});
export type PlannerReply = v.InferOutput<typeof PlannerReply>;

/** An L2 plan as signed by the cloud. */
export const Plan = v.strictObject({
  id: Id,
  incidentId: Id,
  siteId: Id,
  applianceId: Id,
  runbookId: v.nullable(Slug),
  params: JsonObject,
  confidence: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  reasoning: ShortText,
  /** auto-apply: the appliance may run it; needs-approval: a person must approve; none: escalate. */
  decision: v.picklist(["auto-apply", "needs-approval", "none"]),
  model: ShortText,
  issuedAt: Timestamp,
  expiresAt: Timestamp,
});
export type Plan = v.InferOutput<typeof Plan>;

export const SignedPlan = Signed(Plan);
export type SignedPlan = v.InferOutput<typeof SignedPlan>;

/**
 * POST /agent/plan/:id/outcome: what came of an L2 plan on the appliance (from its remediation
 * receipt), so the cloud's learning loop can count successes per pattern.
 */
export const PlanOutcome = v.strictObject({
  outcome: v.picklist(["fixed", "failed", "rolled-back", "not-applied"]),
  receiptId: v.optional(Id),
  reason: v.optional(ShortText),
});
export type PlanOutcome = v.InferOutput<typeof PlanOutcome>;
