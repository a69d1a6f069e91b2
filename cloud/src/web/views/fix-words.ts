/** Receipts in plain words, for the people reading fixes on the dashboard, portal and receipt page. */
import type { DecidedBy, StateSnapshot } from "../../../../protocol/receipt.ts";

/** Who decided a fix, as a clinic reads it. */
export function decidedByWords(d: DecidedBy): string {
  if (d.tier === "L1") return `automatically, by rule ${d.ruleId} (version ${d.ruleVersion})`;
  if (d.tier === "L2")
    return `automatically, by a plan from the AI planner (${d.model}), checked by the appliance`;
  return `by ${d.person}${d.orderId ? ` (order ${d.orderId})` : ""}`;
}

const statusWords: Record<StateSnapshot["status"], string> = {
  pass: "passing",
  warn: "needs a look",
  fail: "failing",
  error: "could not be checked",
  unreachable: "computer was off",
};

/** A check's state in words: "failing (found: inactive)". */
export function stateWords(s: StateSnapshot | null): string {
  if (!s) return "not recorded";
  return `${statusWords[s.status]}${s.actual ? ` (found: ${s.actual})` : ""}`;
}
