import type { L1Rule, RuleSet } from "../../protocol/rules.ts";
import { type CompiledCondition, compileCondition } from "./conditions.ts";

const SEVERITY_RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

/** A rule with its conditions compiled and its match lists as sets. */
export interface CompiledRule {
  rule: L1Rule;
  statuses: ReadonlySet<string>;
  platforms: ReadonlySet<string> | null;
  minSeverity: number;
  conditions: readonly CompiledCondition[];
}

/** A rule set indexed for decisions: rules per check id (plus wildcard rules), by priority. */
export interface CompiledRules {
  version: number;
  byCheck: ReadonlyMap<string, readonly CompiledRule[]>;
  wildcard: readonly CompiledRule[];
  size: number;
}

/** Severity as a number, for minSeverity filters. */
export function severityRank(s: keyof typeof SEVERITY_RANK): number {
  return SEVERITY_RANK[s];
}

function byPriority(a: CompiledRule, b: CompiledRule): number {
  return b.rule.priority - a.rule.priority || (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0);
}

/**
 * Compile a (validated) rule set once per sync. Disabled rules are dropped here; an invalid
 * condition throws RuleConditionError naming the rule, so a bad set is refused as a whole.
 */
export function compileRules(set: RuleSet): CompiledRules {
  const byCheck = new Map<string, CompiledRule[]>();
  const wildcard: CompiledRule[] = [];
  let size = 0;
  for (const rule of set.rules) {
    const compiled: CompiledRule = {
      rule,
      statuses: new Set(rule.match.statuses),
      platforms: rule.match.platforms ? new Set(rule.match.platforms) : null,
      minSeverity: rule.match.minSeverity ? severityRank(rule.match.minSeverity) : 0,
      conditions: rule.match.conditions.map((c, i) =>
        compileCondition(c, `rule ${rule.id} condition ${i + 1}`),
      ),
    };
    if (!rule.enabled) continue;
    size++;
    for (const check of new Set(rule.match.checks)) {
      if (check === "*") wildcard.push(compiled);
      else byCheck.set(check, [...(byCheck.get(check) ?? []), compiled]);
    }
  }
  wildcard.sort(byPriority);
  for (const list of byCheck.values()) list.sort(byPriority);
  return { version: set.version, byCheck, wildcard, size };
}
