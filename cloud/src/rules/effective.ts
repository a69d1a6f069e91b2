import { desc, eq, isNull } from "drizzle-orm";
import type { L1Rule, RuleSet } from "../../../protocol/rules.ts";
import { BUILTIN_RULES } from "../../../runbooks/rules/index.ts";
import type { Db } from "../db/client.ts";
import { ruleSets } from "../db/schema/rules.ts";

async function latest(db: Db, siteId: string | null) {
  const [row] = await db
    .select({ version: ruleSets.version, rules: ruleSets.rules })
    .from(ruleSets)
    .where(siteId === null ? isNull(ruleSets.siteId) : eq(ruleSets.siteId, siteId))
    .orderBy(desc(ruleSets.version))
    .limit(1);
  return row ? { version: row.version, rules: row.rules as L1Rule[] } : null;
}

/**
 * The rule set a site runs: the latest fleet-wide set (the builtin rules before any) overlaid by the latest set published for
 * the site (same rule id → the site's wins). Versions come from one fleet-wide sequence, so the
 * larger of the two always grows when either changes.
 */
export async function effectiveRuleSet(db: Db, siteId: string): Promise<RuleSet> {
  const [fleet, site] = await Promise.all([latest(db, null), latest(db, siteId)]);
  const byId = new Map<string, L1Rule>();
  // Until a fleet-wide set is published, the builtin rules (runbooks/rules) are the fleet's.
  for (const r of fleet?.rules ?? BUILTIN_RULES.rules) byId.set(r.id, r);
  for (const r of site?.rules ?? []) byId.set(r.id, r);
  return {
    version: Math.max(fleet?.version ?? 0, site?.version ?? 0),
    rules: [...byId.values()].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)),
  };
}
