import * as v from "valibot";
import {
  CheckStatus,
  Citation,
  Id,
  JsonObject,
  JsonValue,
  NonNegInt,
  PosInt,
  Severity,
  ShortText,
  Slug,
} from "./common.ts";
import { Platform } from "./runbook.ts";

/** A condition over a dotted field of a finding (`status`, `host`, `details.port`…). */
export const RuleCondition = v.strictObject({
  field: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_-]+)*$/, "must be a dotted field name")),
  op: v.picklist(["eq", "ne", "contains", "regex", "gt", "lt", "in", "not_in", "exists"]),
  value: v.optional(JsonValue),
});
export type RuleCondition = v.InferOutput<typeof RuleCondition>;

/** What a rule does when it matches: run a runbook, or escalate (which is never counted as a fix). */
export const RuleAction = v.variant("type", [
  v.strictObject({ type: v.literal("runbook"), runbookId: Slug, params: JsonObject }),
  v.strictObject({ type: v.literal("escalate"), reason: ShortText }),
]);
export type RuleAction = v.InferOutput<typeof RuleAction>;

/** A deterministic L1 healing rule. */
export const L1Rule = v.strictObject({
  id: Id,
  version: PosInt,
  description: ShortText,
  enabled: v.boolean(),
  priority: v.pipe(v.number(), v.integer()),
  match: v.strictObject({
    /** Check ids this rule applies to; "*" matches every check. */
    checks: v.pipe(v.array(v.union([Slug, v.literal("*")])), v.minLength(1)),
    statuses: v.pipe(v.array(CheckStatus), v.minLength(1)),
    platforms: v.optional(v.array(Platform)),
    minSeverity: v.optional(Severity),
    conditions: v.array(RuleCondition),
  }),
  action: RuleAction,
  citations: v.array(Citation),
  /** Seconds before this rule may act again on the same host. */
  cooldownSec: NonNegInt,
  /** Attempts per (rule, host) before the circuit opens and the drift is escalated. */
  maxAttempts: PosInt,
  /** Flapping breaker: more than `maxFixes` fixes within `windowSec` escalates instead of looping. */
  flap: v.strictObject({ windowSec: PosInt, maxFixes: PosInt }),
  source: v.picklist(["builtin", "promoted", "custom"]),
});
export type L1Rule = v.InferOutput<typeof L1Rule>;

/** A versioned set of rules, as synced from the cloud (signed inside a SyncResponse). */
export const RuleSet = v.strictObject({ version: NonNegInt, rules: v.array(L1Rule) });
export type RuleSet = v.InferOutput<typeof RuleSet>;
