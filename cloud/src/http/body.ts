import type { Context } from "hono";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { parseJsonStrict, StrictJsonError } from "../../../protocol/strict-json.ts";
import { ApiError, badRequest } from "./errors.ts";

/** Default cap on a JSON request body. */
export const DEFAULT_MAX_BODY = 256 * 1024;

/** Read the raw body, refusing more than `maxBytes` (by header and by actual length). */
export async function readBodyBytes(c: Context, maxBytes = DEFAULT_MAX_BODY): Promise<Uint8Array> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new ApiError(
      413,
      "payload_too_large",
      `body of ${declared} bytes exceeds the ${maxBytes}-byte limit`,
    );
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > maxBytes) {
    throw new ApiError(
      413,
      "payload_too_large",
      `body of ${bytes.byteLength} bytes exceeds the ${maxBytes}-byte limit`,
    );
  }
  return bytes;
}

/**
 * Read a JSON body strictly (invalid UTF-8, a BOM or bad JSON is a 400) and validate it against a
 * protocol schema, naming the offending field.
 */
export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  what: string,
  maxBytes = DEFAULT_MAX_BODY,
): Promise<v.InferOutput<S>> {
  const bytes = await readBodyBytes(c, maxBytes);
  let value: unknown;
  try {
    value = parseJsonStrict(bytes);
  } catch (e) {
    if (e instanceof StrictJsonError) throw badRequest(`${what}: ${e.message}`);
    throw e;
  }
  // Every request body of this API is a JSON object; valibot's object schemas would accept an array.
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`invalid ${what}: the body must be a JSON object`);
  }
  const r = v.safeParse(schema, value);
  if (!r.success) throw badRequest(`invalid ${what}: ${describeIssues(r.issues)}`);
  return r.output;
}

/** Validate a path or query parameter against a schema; a mismatch is a 400 naming it. */
export function param<S extends v.GenericSchema>(schema: S, value: unknown, name: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (!r.success) throw badRequest(`${name}: ${describeIssues(r.issues)}`);
  return r.output;
}
