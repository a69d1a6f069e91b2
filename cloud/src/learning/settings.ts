import * as v from "valibot";

/** When an L2 pattern becomes a promotion candidate. */
export interface LearningSettings {
  minSuccesses: number;
  minSuccessRate: number;
}

const Env = v.object({
  LEARNING_MIN_SUCCESSES: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(1)),
    "5",
  ),
  LEARNING_MIN_SUCCESS_RATE: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0), v.maxValue(1)),
    "0.9",
  ),
});

/** Promotion thresholds from LEARNING_MIN_SUCCESSES (5) and LEARNING_MIN_SUCCESS_RATE (0.9). */
export function learningSettingsFromEnv(env: Record<string, string | undefined>): LearningSettings {
  const r = v.safeParse(Env, env);
  if (!r.success)
    throw new Error(`${v.getDotPath(r.issues[0]!) ?? "learning settings"}: ${r.issues[0]!.message}`);
  return {
    minSuccesses: r.output.LEARNING_MIN_SUCCESSES,
    minSuccessRate: r.output.LEARNING_MIN_SUCCESS_RATE,
  };
}

/** Whether a pattern's record qualifies it for promotion. */
export function qualifies(p: { successes: number; failures: number }, s: LearningSettings): boolean {
  const total = p.successes + p.failures;
  return p.successes >= s.minSuccesses && total > 0 && p.successes / total >= s.minSuccessRate;
}
