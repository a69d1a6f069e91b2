/** What the engine remembers about one (rule, host) pair. */
export interface RuleHostHistory {
  /** Attempts since the last successful fix (the circuit opens at the rule's maxAttempts). */
  failures: number;
  /** When the rule last acted on the host (ms since epoch), for the cooldown. */
  lastAttemptAt: number;
  /** When the rule's fixes on this host succeeded (ms), pruned to the flap window. */
  fixes: number[];
}

/** Healing history keyed by `historyKey(ruleId, host)`; plain data so the decision stays pure. */
export type HealHistory = ReadonlyMap<string, RuleHostHistory>;

/** Key of a (rule, host) pair in the history. */
export function historyKey(ruleId: string, host: string): string {
  return `${ruleId}\u0000${host}`;
}

const EMPTY: RuleHostHistory = { failures: 0, lastAttemptAt: 0, fixes: [] };

/** History entry for a pair, empty if the rule never acted on the host. */
export function entryOf(history: HealHistory, ruleId: string, host: string): RuleHostHistory {
  return history.get(historyKey(ruleId, host)) ?? EMPTY;
}

/**
 * The entry after an attempt: a fix resets the failure count and is remembered for the flap
 * breaker (only within `windowSec`), anything else counts towards maxAttempts.
 */
export function afterAttempt(
  prev: RuleHostHistory,
  at: number,
  fixed: boolean,
  windowSec: number,
): RuleHostHistory {
  const since = at - windowSec * 1000;
  const fixes = prev.fixes.filter((t) => t > since);
  return fixed
    ? { failures: 0, lastAttemptAt: at, fixes: [...fixes, at] }
    : { failures: prev.failures + 1, lastAttemptAt: at, fixes };
}
