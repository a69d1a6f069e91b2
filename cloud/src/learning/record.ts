import { eq, sql } from "drizzle-orm";
import type { Json } from "../../../protocol/common.ts";
import type { Db } from "../db/client.ts";
import { learningPatterns } from "../db/schema/heal.ts";
import { type LearningSettings, qualifies } from "./settings.ts";

/**
 * Count one L2 outcome towards its pattern (inside the caller's transaction); a tracked pattern
 * that now qualifies becomes a promotion candidate. Rejected and approved patterns keep counting
 * but do not change status.
 */
export async function recordPatternOutcome(
  tx: Db,
  p: { pattern: string; checkId: string; platform: string; runbookId: string; params: Json },
  fixed: boolean,
  now: Date,
  s: LearningSettings,
): Promise<{ status: string; successes: number; failures: number }> {
  await tx
    .insert(learningPatterns)
    .values({
      pattern: p.pattern,
      checkId: p.checkId,
      platform: p.platform,
      runbookId: p.runbookId,
      params: p.params,
      successes: fixed ? 1 : 0,
      failures: fixed ? 0 : 1,
      status: "tracking",
      firstSeenAt: now,
      lastOutcomeAt: now,
    })
    .onConflictDoUpdate({
      target: learningPatterns.pattern,
      set: {
        successes: sql`${learningPatterns.successes} + ${fixed ? 1 : 0}`,
        failures: sql`${learningPatterns.failures} + ${fixed ? 0 : 1}`,
        lastOutcomeAt: now,
      },
    });
  const [row] = await tx.select().from(learningPatterns).where(eq(learningPatterns.pattern, p.pattern));
  let status = row!.status;
  if (status === "tracking" && qualifies(row!, s)) {
    await tx
      .update(learningPatterns)
      .set({ status: "candidate" })
      .where(eq(learningPatterns.pattern, p.pattern));
    status = "candidate";
  }
  return { status, successes: row!.successes, failures: row!.failures };
}
