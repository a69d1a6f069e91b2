import * as v from "valibot";
import { Id, JsonObject, NonNegInt, ShortText, Slug, Timestamp } from "../../../protocol/common.ts";
import { Platform } from "../../../protocol/runbook.ts";
import type { learningPatterns } from "../db/schema/heal.ts";

/** A learning-loop pattern as the admin API shows it. */
export const LearningPatternView = v.strictObject({
  pattern: Id,
  checkId: Slug,
  platform: Platform,
  runbookId: Slug,
  params: JsonObject,
  successes: NonNegInt,
  failures: NonNegInt,
  successRate: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  status: v.picklist(["tracking", "candidate", "approved", "rejected"]),
  ruleId: v.nullable(Id),
  decidedBy: v.nullable(ShortText),
  decidedAt: v.nullable(Timestamp),
  reason: v.nullable(ShortText),
  firstSeenAt: Timestamp,
  lastOutcomeAt: Timestamp,
});
export type LearningPatternView = v.InferOutput<typeof LearningPatternView>;

export const LearningPatternList = v.strictObject({ patterns: v.array(LearningPatternView) });

/** POST …/reject body. */
export const PatternRejection = v.strictObject({ reason: v.pipe(ShortText, v.minLength(1, "say why")) });

/** The view of a stored pattern row. */
export function patternView(r: typeof learningPatterns.$inferSelect): LearningPatternView {
  const total = r.successes + r.failures;
  return {
    pattern: r.pattern,
    checkId: r.checkId,
    platform: r.platform as LearningPatternView["platform"],
    runbookId: r.runbookId,
    params: r.params as LearningPatternView["params"],
    successes: r.successes,
    failures: r.failures,
    successRate: total ? r.successes / total : 0,
    status: r.status as LearningPatternView["status"],
    ruleId: r.ruleId,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    reason: r.reason,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastOutcomeAt: r.lastOutcomeAt.toISOString(),
  };
}
