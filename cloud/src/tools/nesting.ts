/** Deepest nesting tool arguments may have; real arguments are two or three levels deep. */
export const MAX_ARGUMENT_DEPTH = 32;

/**
 * Whether a JSON value nests deeper than `max` arrays/objects. Iterative, so a hostile value
 * 30,000 levels deep is measured without exhausting the stack (the validators and the audit
 * hash recurse, so such a value must be refused before them).
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}
