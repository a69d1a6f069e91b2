import { desc, eq } from "drizzle-orm";
import {
  ListPromotionCandidatesInput,
  ListPromotionCandidatesOutput,
  type PromotionCandidateView,
} from "../../../protocol/mcp.ts";
import { assertFleetWide } from "../auth/permissions.ts";
import { learningPatterns } from "../db/schema/heal.ts";
import { defineTool } from "./tool.ts";

/** list_promotion_candidates: learning-loop patterns that may become L1 rules once a person approves. */
export const listPromotionCandidates = defineTool({
  name: "list_promotion_candidates",
  title: "List promotion candidates",
  description:
    "Learning loop: L2 resolutions per (check, runbook, parameters) across the fleet, with successes, failures and " +
    "success rate. status=candidate (default) lists those that qualified for promotion to an L1 rule, which a " +
    "person approves in the dashboard. Fleet-wide data: needs a token without site scope.",
  kind: "read",
  minRole: "read-only",
  input: ListPromotionCandidatesInput,
  output: ListPromotionCandidatesOutput,
  async run({ ctx, input }) {
    assertFleetWide(ctx.actor);
    const rows = await ctx.db
      .select()
      .from(learningPatterns)
      .where(eq(learningPatterns.status, input.status))
      .orderBy(desc(learningPatterns.successes), desc(learningPatterns.lastOutcomeAt))
      .limit(input.limit);
    const candidates = rows.map(
      (r): PromotionCandidateView => ({
        pattern: r.pattern,
        checkId: r.checkId,
        platform: r.platform as PromotionCandidateView["platform"],
        runbookId: r.runbookId,
        params: r.params as PromotionCandidateView["params"],
        successes: r.successes,
        failures: r.failures,
        successRate: r.successes + r.failures === 0 ? 0 : r.successes / (r.successes + r.failures),
        status: r.status as PromotionCandidateView["status"],
        ruleId: r.ruleId,
        firstSeenAt: r.firstSeenAt.toISOString(),
        lastOutcomeAt: r.lastOutcomeAt.toISOString(),
      }),
    );
    return { candidates };
  },
});
