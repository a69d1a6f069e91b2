import * as v from "valibot";
import { Citation, type Json, Severity, ShortText, Slug } from "./common.ts";

/** One parameter a runbook accepts, with the bounds every caller (L1, L2, MCP, CLI) is held to. */
export const RunbookParam = v.variant("type", [
  v.strictObject({
    name: Slug,
    type: v.literal("integer"),
    description: ShortText,
    min: v.number(),
    max: v.number(),
    default: v.number(),
  }),
  v.strictObject({
    name: Slug,
    type: v.literal("boolean"),
    description: ShortText,
    default: v.boolean(),
  }),
  v.strictObject({
    name: Slug,
    type: v.literal("enum"),
    description: ShortText,
    values: v.pipe(v.array(v.string()), v.minLength(1)),
    default: v.string(),
  }),
  v.strictObject({
    name: Slug,
    type: v.literal("string"),
    description: ShortText,
    pattern: v.string(),
    maxLength: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)),
    default: v.string(),
  }),
]);
export type RunbookParam = v.InferOutput<typeof RunbookParam>;

/** The platforms checks and runbooks are written for. */
export const Platform = v.picklist(["windows", "linux", "macos"]);
export type Platform = v.InferOutput<typeof Platform>;

/** What a runbook is, as catalogued for L1 rules, the L2 planner, MCP clients and the CLI. */
export const RunbookSpec = v.strictObject({
  id: Slug,
  title: ShortText,
  platform: Platform,
  /** The check whose drift this runbook fixes. */
  checkId: Slug,
  description: ShortText,
  detects: ShortText,
  remediates: ShortText,
  verifies: ShortText,
  citations: v.pipe(v.array(Citation), v.minLength(1)),
  severity: Severity,
  /** How much can go wrong if the remediation misfires; gates auto-apply of L2 plans. */
  blastRadius: v.picklist(["low", "medium", "high"]),
  rollback: v.boolean(),
  params: v.array(RunbookParam),
});
export type RunbookSpec = v.InferOutput<typeof RunbookSpec>;

/** Result of checking parameters against a runbook's bounds. */
export type ParamCheck = { ok: true; params: Record<string, Json> } | { ok: false; message: string };

/**
 * Check parameters against a runbook's declared bounds and fill defaults. Unknown names, wrong
 * types and out-of-range values are refused with a message naming the parameter.
 */
export function checkRunbookParams(spec: RunbookSpec, input: Record<string, unknown>): ParamCheck {
  const out: Record<string, Json> = {};
  const known = new Set(spec.params.map((p) => p.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) return { ok: false, message: `runbook ${spec.id} has no parameter "${name}"` };
  }
  for (const p of spec.params) {
    const value = input[p.name] ?? p.default;
    const bad = (why: string): ParamCheck => ({
      ok: false,
      message: `parameter "${p.name}" of ${spec.id} ${why}`,
    });
    switch (p.type) {
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value)) return bad("must be an integer");
        if (value < p.min || value > p.max) return bad(`must be between ${p.min} and ${p.max}`);
        break;
      case "boolean":
        if (typeof value !== "boolean") return bad("must be true or false");
        break;
      case "enum":
        if (typeof value !== "string" || !p.values.includes(value))
          return bad(`must be one of ${p.values.join(", ")}`);
        break;
      case "string":
        if (typeof value !== "string") return bad("must be a string");
        if (value.length > p.maxLength) return bad(`must be at most ${p.maxLength} characters`);
        if (!new RegExp(`^(?:${p.pattern})$`).test(value)) return bad(`must match ${p.pattern}`);
        break;
    }
    out[p.name] = value as Json;
  }
  return { ok: true, params: out };
}
