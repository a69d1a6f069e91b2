import type { CheckOutcome, HostBaseline } from "./check.ts";

/**
 * A baseline check's outcome: `items` against the host's first-seen list. The first run records
 * the list and passes; later, anything new fails until a person accepts it. Only what changed is
 * reported, so evidence stays small.
 */
export function againstBaseline(
  checkId: string,
  items: readonly string[],
  baseline: HostBaseline | undefined,
  expected: string,
): CheckOutcome {
  const sorted = [...new Set(items)].sort();
  if (!baseline)
    return {
      status: "pass",
      expected,
      actual: `${sorted.length} items (no baseline kept)`,
      details: { count: sorted.length },
    };
  const known = baseline.get(checkId);
  if (known === undefined) {
    baseline.set(checkId, sorted);
    return {
      status: "pass",
      expected,
      actual: `${sorted.length} items; baseline recorded`,
      details: { count: sorted.length },
    };
  }
  const had = new Set(known);
  const now = new Set(sorted);
  const added = sorted.filter((x) => !had.has(x));
  const removed = known.filter((x) => !now.has(x));
  return {
    status: added.length ? "fail" : "pass",
    expected,
    actual: added.length ? `new since baseline: ${added.join("; ")}` : `${sorted.length} items, none new`,
    details: { count: sorted.length, added: added.slice(0, 50), removed: removed.slice(0, 50) },
  };
}
