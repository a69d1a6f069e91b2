import { desc, eq, isNull } from "drizzle-orm";
import type { RunbookCatalogue } from "../../../lib/runbook-types.ts";
import type { L1Rule } from "../../../protocol/rules.ts";
import type { RunbookSpec } from "../../../protocol/runbook.ts";
import { BUILTIN_RULES } from "../../../runbooks/rules/index.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import type { Db, Tx } from "../db/client.ts";
import { learningPatterns } from "../db/schema/heal.ts";
import { ruleSets } from "../db/schema/rules.ts";
import { conflict, notFound } from "../http/errors.ts";
import { insertRuleSet, lockRuleSets } from "../rules/publish.ts";
import { type LearningPatternView, patternView } from "./view.ts";

type PatternRow = typeof learningPatterns.$inferSelect;

/** The L1 rule a promoted pattern becomes: same check and platform, same runbook and parameters. */
export function promotedRule(p: PatternRow, spec: RunbookSpec): L1Rule {
  const total = p.successes + p.failures;
  return {
    id: `promoted-${p.pattern.replace(/^pat_/, "")}`,
    version: 1,
    description:
      `Promoted from L2: ${p.checkId} fixed by ${spec.id} (${p.successes}/${total} successes)`.slice(0, 500),
    enabled: true,
    priority: 50,
    match: {
      checks: [p.checkId],
      statuses: ["fail"],
      platforms: [spec.platform],
      conditions: [],
    },
    action: { type: "runbook", runbookId: spec.id, params: p.params as Record<string, never> },
    citations: spec.citations,
    cooldownSec: 300,
    maxAttempts: 3,
    flap: { windowSec: 3600, maxFixes: 3 },
    source: "promoted",
  };
}

/** The rules of the latest fleet-wide set, or the builtin rules before anything was published. */
async function fleetRules(db: Db | Tx): Promise<L1Rule[]> {
  const [row] = await db
    .select({ rules: ruleSets.rules })
    .from(ruleSets)
    .where(isNull(ruleSets.siteId))
    .orderBy(desc(ruleSets.version))
    .limit(1);
  return row ? (row.rules as L1Rule[]) : BUILTIN_RULES.rules;
}

async function candidate(db: Db | Tx, pattern: string): Promise<PatternRow> {
  const [p] = await db.select().from(learningPatterns).where(eq(learningPatterns.pattern, pattern));
  if (!p) throw notFound(`no learning pattern ${pattern}`);
  if (p.status !== "candidate")
    throw conflict(`pattern ${pattern} is ${p.status}, not a promotion candidate`);
  return p;
}

/**
 * An admin approves a candidate: it becomes an L1 rule (source "promoted") in a new fleet-wide
 * rule set, which every appliance receives signed at its next sync.
 */
export async function approveCandidate({
  ctx,
  input,
  catalogue,
}: ServiceCall<{ pattern: string }> & {
  catalogue: RunbookCatalogue;
}): Promise<{ pattern: LearningPatternView; rule: L1Rule; rulesVersion: number }> {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  // One transaction, publish lock first: the promoted rule, the new fleet set and the pattern's
  // status commit together, and a concurrent promotion cannot drop this rule from the set.
  const { row, rule, version } = await ctx.db.transaction(async (tx) => {
    await lockRuleSets(tx);
    const p = await candidate(tx, input.pattern);
    const spec = catalogue.get(p.runbookId);
    if (!spec) throw conflict(`runbook ${p.runbookId} is no longer in the catalogue`);
    const rule = promotedRule(p, spec);
    const rules = [...(await fleetRules(tx)).filter((r) => r.id !== rule.id), rule];
    const { version } = await insertRuleSet(tx, ctx, { siteId: null, rules });
    const [updated] = await tx
      .update(learningPatterns)
      .set({
        status: "approved",
        ruleId: rule.id,
        decidedBy: actorLabel(ctx.actor),
        decidedAt: ctx.clock.now(),
      })
      .where(eq(learningPatterns.pattern, p.pattern))
      .returning();
    await writeAudit(tx, ctx, {
      action: "learning.approve",
      target: `pattern:${p.pattern}`,
      args: { rule, version },
    });
    return { row: updated!, rule, version };
  });
  return { pattern: patternView(row), rule, rulesVersion: version };
}

/** An admin rejects a candidate (with a reason); it is not proposed again. */
export async function rejectCandidate({
  ctx,
  input,
}: ServiceCall<{ pattern: string; reason: string }>): Promise<LearningPatternView> {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  const p = await candidate(ctx.db, input.pattern);
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(learningPatterns)
      .set({
        status: "rejected",
        reason: input.reason,
        decidedBy: actorLabel(ctx.actor),
        decidedAt: ctx.clock.now(),
      })
      .where(eq(learningPatterns.pattern, p.pattern))
      .returning();
    await writeAudit(tx, ctx, { action: "learning.reject", target: `pattern:${p.pattern}`, args: input });
    return patternView(updated!);
  });
}

/** Patterns, candidates first (read-only and above). */
export async function listPatterns({
  ctx,
  input,
}: ServiceCall<{ status?: string }>): Promise<LearningPatternView[]> {
  assertRole(ctx.actor, "read-only");
  const rows = input.status
    ? await ctx.db.select().from(learningPatterns).where(eq(learningPatterns.status, input.status))
    : await ctx.db.select().from(learningPatterns);
  const rank: Record<string, number> = { candidate: 0, tracking: 1, approved: 2, rejected: 3 };
  return rows
    .map(patternView)
    .sort((a, b) => (rank[a.status] ?? 9) - (rank[b.status] ?? 9) || b.successes - a.successes);
}
