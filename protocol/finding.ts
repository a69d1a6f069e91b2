import * as v from "valibot";
import {
  CheckStatus,
  Citation,
  HostName,
  JsonObject,
  Severity,
  ShortText,
  Slug,
  Timestamp,
} from "./common.ts";

/** The result of one check on one host: what was expected, what was found, which controls it supports. */
export const Finding = v.strictObject({
  checkId: Slug,
  host: HostName,
  status: CheckStatus,
  severity: Severity,
  title: ShortText,
  citations: v.array(Citation),
  expected: v.optional(ShortText),
  actual: v.optional(ShortText),
  /** Evidence details (already PHI-scrubbed on the appliance). */
  details: JsonObject,
  observedAt: Timestamp,
  durationMs: v.optional(v.pipe(v.number(), v.minValue(0))),
});
export type Finding = v.InferOutput<typeof Finding>;
