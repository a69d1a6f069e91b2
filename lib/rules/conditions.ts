import type { Json } from "../../protocol/common.ts";
import type { RuleCondition } from "../../protocol/rules.ts";

/** A condition prepared for repeated evaluation (regex compiled, `in` lists as sets). */
export type CompiledCondition = (subject: Record<string, unknown>) => boolean;

/** Value at a dotted path (`details.port`, `attrs.os`), or undefined when any step is missing. */
export function fieldValue(subject: Record<string, unknown>, path: readonly string[]): unknown {
  let at: unknown = subject;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Thrown when a rule's condition cannot be compiled (bad regex, wrong operand type). */
export class RuleConditionError extends Error {
  override name = "RuleConditionError";
}

function sameScalar(a: unknown, b: Json | undefined): boolean {
  if (a === b) return true;
  // Details often carry numbers as strings ("3389") — compare such pairs by value.
  if (typeof a === "string" && typeof b === "number") return a.trim() !== "" && Number(a) === b;
  if (typeof a === "number" && typeof b === "string") return b.trim() !== "" && Number(b) === a;
  return false;
}

function asNumber(x: unknown): number | undefined {
  if (typeof x === "number") return x;
  if (typeof x === "string" && x.trim() !== "" && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

/**
 * Compile one condition. Operators: eq, ne (scalar equality, numeric strings equal numbers),
 * contains (substring of a string, or member of an array), regex, gt, lt (numeric), in, not_in
 * (value in a list), exists (value: true/absent → present, false → absent).
 */
export function compileCondition(c: RuleCondition, where: string): CompiledCondition {
  const path = c.field.split(".");
  const get = (s: Record<string, unknown>) => fieldValue(s, path);
  const want = c.value;
  switch (c.op) {
    case "eq":
      return (s) => sameScalar(get(s), want);
    case "ne":
      return (s) => !sameScalar(get(s), want);
    case "contains":
      return (s) => {
        const x = get(s);
        if (typeof x === "string") return typeof want === "string" && x.includes(want);
        if (Array.isArray(x)) return x.some((e) => sameScalar(e, want));
        return false;
      };
    case "regex": {
      if (typeof want !== "string") throw new RuleConditionError(`${where}: regex needs a string value`);
      let re: RegExp;
      try {
        re = new RegExp(want);
      } catch (e) {
        throw new RuleConditionError(
          `${where}: invalid regex ${JSON.stringify(want)} (${(e as Error).message})`,
        );
      }
      return (s) => {
        const x = get(s);
        return (typeof x === "string" || typeof x === "number") && re.test(String(x));
      };
    }
    case "gt":
    case "lt": {
      const bound = asNumber(want);
      if (bound === undefined) throw new RuleConditionError(`${where}: ${c.op} needs a numeric value`);
      return c.op === "gt"
        ? (s) => {
            const x = asNumber(get(s));
            return x !== undefined && x > bound;
          }
        : (s) => {
            const x = asNumber(get(s));
            return x !== undefined && x < bound;
          };
    }
    case "in":
    case "not_in": {
      if (!Array.isArray(want)) throw new RuleConditionError(`${where}: ${c.op} needs a list value`);
      const list = want;
      const has = (x: unknown) => list.some((e) => sameScalar(x, e));
      return c.op === "in" ? (s) => has(get(s)) : (s) => !has(get(s));
    }
    case "exists": {
      if (want !== undefined && typeof want !== "boolean") {
        throw new RuleConditionError(`${where}: exists takes true, false or no value`);
      }
      const present = want !== false;
      return (s) => (get(s) !== undefined && get(s) !== null) === present;
    }
  }
}
