import { canonicalHash } from "../../../protocol/hash.ts";

/**
 * Id of the learning-loop pattern of an L2 resolution: the same check fixed by the same runbook
 * with the same parameters. Patterns are what get promoted to L1 rules.
 */
export function patternKey(checkId: string, runbookId: string, params: unknown): string {
  return `pat_${canonicalHash({ checkId, runbookId, params }).slice(0, 24)}`;
}
