import * as v from "valibot";
import { CheckStatus, Hex64, HostName, Id, JsonObject, ShortText, Slug, Timestamp } from "./common.ts";

/** Who decided a remediation: an L1 rule, an L2 plan (by hash and model) or a named person. */
export const DecidedBy = v.variant("tier", [
  v.strictObject({
    tier: v.literal("L1"),
    ruleId: Id,
    ruleVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  }),
  v.strictObject({ tier: v.literal("L2"), planId: Id, planHash: Hex64, model: ShortText }),
  v.strictObject({ tier: v.literal("L3"), person: ShortText, orderId: v.optional(Id) }),
]);
export type DecidedBy = v.InferOutput<typeof DecidedBy>;

/** Observed state of the drifted item at one moment. */
export const StateSnapshot = v.strictObject({
  status: CheckStatus,
  actual: v.optional(ShortText),
  details: JsonObject,
  at: Timestamp,
});
export type StateSnapshot = v.InferOutput<typeof StateSnapshot>;

/**
 * One healing attempt, written into the evidence chain: state before, who decided, the action,
 * state after, the verify result, and the rollback if verify failed.
 */
export const RemediationReceipt = v.strictObject({
  id: Id,
  incidentId: v.optional(Id),
  checkId: Slug,
  host: HostName,
  runbookId: Slug,
  params: JsonObject,
  decidedBy: DecidedBy,
  dryRun: v.boolean(),
  before: StateSnapshot,
  after: v.nullable(StateSnapshot),
  verify: v.picklist(["pass", "fail", "skipped"]),
  rollback: v.nullable(
    v.strictObject({ attempted: v.boolean(), ok: v.boolean(), output: v.optional(ShortText) }),
  ),
  outcome: v.picklist(["fixed", "failed", "rolled-back", "dry-run"]),
  error: v.optional(ShortText),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});
export type RemediationReceipt = v.InferOutput<typeof RemediationReceipt>;
