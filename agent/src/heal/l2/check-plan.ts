import * as v from "valibot";
import type { RunbookCatalogue } from "../../../../lib/runbook-types.ts";
import type { Json } from "../../../../protocol/common.ts";
import { describeIssues } from "../../../../protocol/common.ts";
import { type Plan, SignedPlan } from "../../../../protocol/plan.ts";
import { checkRunbookParams, type RunbookSpec } from "../../../../protocol/runbook.ts";
import { envelopeHash, type TrustedKeys, verifyTrusted } from "../../../../protocol/signed.ts";

/** What the appliance holds a plan against. */
export interface PlanExpectations {
  cloudPublicKey: TrustedKeys;
  applianceId: string;
  incidentId: string;
  /** The runbooks this appliance offered for the incident (its own allow-list). */
  allowed: ReadonlySet<string>;
  catalogue: RunbookCatalogue;
  nowMs: number;
}

/** A plan that passed every check, with its hash (for the receipt) and its parameters bounded. */
export type CheckedPlan =
  | { ok: true; plan: Plan; hash: string; spec: RunbookSpec | null; params: Record<string, Json> }
  | { ok: false; reason: string; plan?: Plan };

/**
 * Re-check a signed plan before acting on it, trusting nothing the cloud (or the model behind
 * it) said: the signature by the cloud key, the shape, that it is for this appliance and
 * incident and not expired, that its runbook is one this appliance allowed and carries, and that
 * its parameters are within the runbook's own bounds.
 */
export function checkPlan(input: unknown, x: PlanExpectations): CheckedPlan {
  const parsed = v.safeParse(SignedPlan, input);
  if (!parsed.success)
    return { ok: false, reason: `plan refused: malformed (${describeIssues(parsed.issues)})` };
  const signed = parsed.output;
  const sig = verifyTrusted(signed, x.cloudPublicKey);
  if (!sig.ok) return { ok: false, reason: `plan refused: ${sig.reason}` };
  const plan = signed.payload;
  const refuse = (why: string): CheckedPlan => ({
    ok: false,
    reason: `plan ${plan.id} refused: ${why}`,
    plan,
  });
  if (plan.applianceId !== x.applianceId) return refuse(`issued for appliance ${plan.applianceId}`);
  if (plan.incidentId !== x.incidentId) return refuse(`issued for incident ${plan.incidentId}`);
  if (Date.parse(plan.expiresAt) <= x.nowMs) return refuse(`expired at ${plan.expiresAt}`);
  const hash = envelopeHash(signed);
  if (plan.runbookId === null || plan.decision === "none") {
    return { ok: true, plan, hash, spec: null, params: {} };
  }
  if (!x.allowed.has(plan.runbookId))
    return refuse(`runbook ${plan.runbookId} is not on this appliance's allow-list`);
  const spec = x.catalogue.get(plan.runbookId);
  if (!spec) return refuse(`runbook ${plan.runbookId} is not in this appliance's catalogue`);
  const bounded = checkRunbookParams(spec, plan.params);
  if (!bounded.ok) return refuse(bounded.message);
  return { ok: true, plan, hash, spec, params: bounded.params };
}

/** Local gate over a checked plan: what the appliance does with it. */
export type PlanGate = { apply: true } | { apply: false; reason: string };

/**
 * Apply only what the cloud marked auto-apply, with confidence at least `minConfidence` and a
 * blast radius this appliance accepts unattended; everything else waits for a person.
 */
export function gatePlan(
  p: { plan: Plan; spec: RunbookSpec | null },
  policy: { minConfidence: number; maxBlastRadius: "low" | "medium" | "high" },
): PlanGate {
  const rank = { low: 0, medium: 1, high: 2 } as const;
  if (p.plan.decision === "none" || p.spec === null)
    return { apply: false, reason: `L2 found no safe runbook: ${p.plan.reasoning}` };
  if (p.plan.decision === "needs-approval") {
    return {
      apply: false,
      reason: `plan ${p.plan.id} (${p.spec.id}) needs a person's approval: ${p.plan.reasoning}`,
    };
  }
  if (p.plan.confidence < policy.minConfidence) {
    return {
      apply: false,
      reason: `plan ${p.plan.id} confidence ${p.plan.confidence} below ${policy.minConfidence}`,
    };
  }
  if (rank[p.spec.blastRadius] > rank[policy.maxBlastRadius]) {
    return {
      apply: false,
      reason: `runbook ${p.spec.id} has ${p.spec.blastRadius} blast radius: needs a person's approval`,
    };
  }
  return { apply: true };
}
