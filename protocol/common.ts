import * as v from "valibot";

/** Lowercase hex SHA-256 digest. */
export const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"));
/** Ed25519 signature as lowercase hex. */
export const SignatureHex = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{128}$/, "must be 128 lowercase hex characters"),
);
/** Key id: first 16 hex characters of the public key's SHA-256. */
export const KeyId = v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, "must be 16 lowercase hex characters"));
/**
 * The one identifier pattern (site, appliance, order, token, incident, rule, plan…): 1–64
 * characters, segments of A-Z a-z 0-9 _ - joined by single dots, starting with a letter or digit.
 * No `/`, no empty, `.` or `..` segment and no leading or trailing dot, so an id is safe by
 * construction as a file name or an object-key segment (the evidence store refuses keys with `..`).
 * The database repeats it as a CHECK on the tables whose ids name objects
 * (cloud/src/db/migrations/0001_storage.sql; cloud/src/db/ids.test.ts keeps the two equal).
 */
export const ID_PATTERN = /^(?=.{1,64}$)[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
/** Identifier of a site, appliance, order, incident…: see ID_PATTERN. */
export const Id = v.pipe(
  v.string(),
  v.regex(ID_PATTERN, "must be 1–64 of A-Z a-z 0-9 _ -, in segments joined by single dots"),
);
/** Check or runbook id: ID_PATTERN in lowercase, up to 80 characters, e.g. `linux.ssh-hardening`. */
const SLUG_PATTERN = /^(?=.{1,80}$)[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
export const Slug = v.pipe(
  v.string(),
  v.regex(SLUG_PATTERN, "must be 1–80 of lowercase a-z 0-9 _ -, in segments joined by single dots"),
);
/** A slug's characters in the order `localeCompare` (ICU's root collation) puts them. */
const SLUG_ORDER = "_-.0123456789abcdefghijklmnopqrstuvwxyz";
/**
 * Two slugs in the order `a.localeCompare(b)` gives them (common.test.ts compares the two), without
 * loading ICU's collation: the agent sorts its catalogue at start-up, and the collator's code and
 * tables would stay resident in the daemon for that one sort.
 */
export function compareSlugs(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = SLUG_ORDER.indexOf(a[i]!) - SLUG_ORDER.indexOf(b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
/** RFC 3339 timestamp in UTC with a Z suffix, as produced by Date.prototype.toISOString. */
export const Timestamp = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, "must be an RFC 3339 UTC timestamp"),
  v.check((s) => !Number.isNaN(Date.parse(s)), "must be a real date"),
);
/** HIPAA citation such as §164.312(a)(2)(iv). */
export const Citation = v.pipe(
  v.string(),
  v.regex(/^§164\.3(08|10|12|16)(\([A-Za-z0-9]+\))+$/, "must look like §164.312(b)"),
);
export const NonNegInt = v.pipe(v.number(), v.integer(), v.minValue(0));
export const PosInt = v.pipe(v.number(), v.integer(), v.minValue(1));
/** A host name or address as the operator wrote it. */
export const HostName = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(253),
  v.regex(/^[A-Za-z0-9._:\-[\]]+$/, "must be a host name or address"),
);
export const ShortText = v.pipe(v.string(), v.maxLength(500));
export const LongText = v.pipe(v.string(), v.maxLength(20_000));

/** Cut text to fit a length bound (ShortText's 500 by default), marking the cut with "…". */
export function clipText(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Any JSON value (recursive). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export const JsonValue: v.GenericSchema<Json> = v.union([
  v.string(),
  v.pipe(v.number(), v.finite()),
  v.boolean(),
  v.null(),
  v.array(v.lazy(() => JsonValue)),
  v.record(
    v.string(),
    v.lazy(() => JsonValue),
  ),
]);
/** A JSON object of free-form details. */
export const JsonObject = v.record(v.string(), JsonValue);
export type JsonObject = v.InferOutput<typeof JsonObject>;

/**
 * Result status of a check. "unreachable": the host did not answer and is allowed not to (a
 * workstation switched off): monitoring only, never counted in a score (protocol version 2).
 */
export const CheckStatus = v.picklist(["pass", "fail", "warn", "error", "unreachable"]);
export type CheckStatus = v.InferOutput<typeof CheckStatus>;

export const Severity = v.picklist(["info", "low", "medium", "high", "critical"]);
export type Severity = v.InferOutput<typeof Severity>;

/** Format valibot issues as one line naming each offending path. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = v.getDotPath(i);
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

/** Thrown by `parse` when input does not match a schema; `message` names the field. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    readonly what: string,
    readonly issues: readonly v.BaseIssue<unknown>[],
  ) {
    super(`invalid ${what}: ${describeIssues(issues)}`);
  }
}

/** Validate `input` against `schema`; throws ValidationError naming `what` and the failing fields. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, input);
  if (!r.success) throw new ValidationError(what, r.issues);
  return r.output;
}
