import type { CompiledRule, CompiledRules } from "../../../../lib/rules/compile.ts";
import { severityRank } from "../../../../lib/rules/compile.ts";
import type { JsonObject } from "../../../../protocol/common.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import type { L1Rule } from "../../../../protocol/rules.ts";
import type { Platform } from "../../../../protocol/runbook.ts";
import { entryOf, type HealHistory } from "./history.ts";

/** What the engine knows about the host a finding came from (platform plus free attributes). */
export interface HostAttributes {
  platform: Platform;
  [attr: string]: unknown;
}

/** The L1 decision for one finding. */
export type L1Decision =
  | { type: "runbook"; rule: L1Rule; runbookId: string; params: JsonObject }
  /** Never a fix: the drift goes to a person (L3) with the reason. */
  | { type: "escalate"; rule: L1Rule; reason: string }
  /** Nothing to do now: `no-rule` sends a failing finding on to L2; `cooldown` waits. */
  | { type: "none"; reason: "passing" | "no-rule" | "cooldown"; rule?: L1Rule };

/**
 * The subject conditions are evaluated against: the finding's fields (`check` is an alias of
 * `checkId`), `details.*`, and the host's attributes under `attrs.*`.
 */
export function conditionSubject(finding: Finding, attrs: HostAttributes): Record<string, unknown> {
  return { ...finding, check: finding.checkId, platform: attrs.platform, attrs };
}

function matches(
  c: CompiledRule,
  finding: Finding,
  attrs: HostAttributes,
  subject: () => Record<string, unknown>,
) {
  if (!c.statuses.has(finding.status)) return false;
  if (c.platforms && !c.platforms.has(attrs.platform)) return false;
  if (severityRank(finding.severity) < c.minSeverity) return false;
  if (c.conditions.length === 0) return true;
  const s = subject();
  return c.conditions.every((cond) => cond(s));
}

/** The highest-priority enabled rule matching the finding, if any (check-specific before wildcard on ties). */
export function matchRule(rules: CompiledRules, finding: Finding, attrs: HostAttributes): L1Rule | undefined {
  let subject: Record<string, unknown> | undefined;
  const lazy = () => {
    subject ??= conditionSubject(finding, attrs);
    return subject;
  };
  const specific = rules.byCheck.get(finding.checkId) ?? [];
  let best: CompiledRule | undefined;
  for (const c of specific) {
    if (matches(c, finding, attrs, lazy)) {
      best = c;
      break;
    }
  }
  for (const c of rules.wildcard) {
    if (best && c.rule.priority <= best.rule.priority) break;
    if (matches(c, finding, attrs, lazy)) {
      best = c;
      break;
    }
  }
  return best?.rule;
}

/**
 * Decide what L1 does about a finding: pure over (finding, host attributes, rules, history, now).
 * A matching runbook rule acts unless it is cooling down (per rule + host), has failed maxAttempts
 * times in a row (circuit open) or has fixed the same drift `flap.maxFixes` times within the flap
 * window (flapping) — the last two escalate instead of looping.
 */
export function decideL1(
  finding: Finding,
  attrs: HostAttributes,
  rules: CompiledRules,
  history: HealHistory,
  nowMs: number,
): L1Decision {
  const rule = matchRule(rules, finding, attrs);
  if (!rule) return { type: "none", reason: finding.status === "pass" ? "passing" : "no-rule" };
  if (rule.action.type === "escalate") return { type: "escalate", rule, reason: rule.action.reason };

  const h = entryOf(history, rule.id, finding.host);
  if (h.failures >= rule.maxAttempts) {
    return {
      type: "escalate",
      rule,
      reason: `circuit open: rule ${rule.id} failed ${h.failures} times in a row on ${finding.host}`,
    };
  }
  const since = nowMs - rule.flap.windowSec * 1000;
  const recentFixes = h.fixes.filter((t) => t > since).length;
  if (recentFixes >= rule.flap.maxFixes) {
    return {
      type: "escalate",
      rule,
      reason: `flapping: ${finding.checkId} on ${finding.host} drifted back after ${recentFixes} fixes within ${rule.flap.windowSec} s`,
    };
  }
  if (h.lastAttemptAt > 0 && nowMs - h.lastAttemptAt < rule.cooldownSec * 1000) {
    return { type: "none", reason: "cooldown", rule };
  }
  return { type: "runbook", rule, runbookId: rule.action.runbookId, params: rule.action.params };
}
