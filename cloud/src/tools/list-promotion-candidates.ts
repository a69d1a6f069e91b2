import { desc, eq } from "drizzle-orm";
import * as v from "valibot";
import { ListPromotionCandidatesInput } from "../../../protocol/mcp.ts";
import { learningPatterns } from "../db/schema/heal.ts";
import { LearningPatternView, patternView } from "../learning/view.ts";
import { defineTool } from "./tool.ts";

/** The answer: learning-loop patterns exactly as the admin API shows them. */
export const ListPromotionCandidatesOutput = v.strictObject({ candidates: v.array(LearningPatternView) });

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
  fleetOnly: true,
  input: ListPromotionCandidatesInput,
  output: ListPromotionCandidatesOutput,
  async run({ ctx, input }) {
    const rows = await ctx.db
      .select()
      .from(learningPatterns)
      .where(eq(learningPatterns.status, input.status))
      .orderBy(desc(learningPatterns.successes), desc(learningPatterns.lastOutcomeAt))
      .limit(input.limit);
    return { candidates: rows.map(patternView) };
  },
});
