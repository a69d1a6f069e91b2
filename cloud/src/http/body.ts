import type { Context } from "hono";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { parseJsonStrict, StrictJsonError } from "../../../protocol/strict-json.ts";
import { ApiError, badRequest } from "./errors.ts";

/** Default cap on a JSON request body. */
export const DEFAULT_MAX_BODY = 256 * 1024;

const tooLarge = (size: string, maxBytes: number) =>
  new ApiError(413, "payload_too_large", `body of ${size} bytes exceeds the ${maxBytes}-byte limit`);

/**
 * Read the raw body, refusing more than `maxBytes`: by the declared Content-Length before reading,
 * and while it streams in (a body without a length is never buffered past the bound).
 */
export async function readBodyBytes(c: Context, maxBytes = DEFAULT_MAX_BODY): Promise<Uint8Array> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(declared, maxBytes);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(`more than ${maxBytes}`, maxBytes);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Refuse (415) a body whose Content-Type is not `application/json` (parameters allowed, but a
 * charset other than UTF-8 is refused: the body is decoded as UTF-8 and nothing else).
 */
export function requireJsonContentType(c: Context): void {
  const header = c.req.header("content-type") ?? "";
  const [type = "", ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8")) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `the body must be sent as Content-Type: application/json${header ? `, not "${header.slice(0, 100)}"` : ""}`,
    );
  }
}

/**
 * The one reader of JSON request bodies: Content-Type application/json (else 415), at most
 * `maxBytes` (else 413), strict UTF-8 without BOM, valid JSON without duplicate keys, nested at
 * most 64 levels (else 400) — all before any schema sees the value.
 */
export async function readJsonValue(c: Context, maxBytes = DEFAULT_MAX_BODY): Promise<unknown> {
  requireJsonContentType(c);
  const bytes = await readBodyBytes(c, maxBytes);
  try {
    return parseJsonStrict(bytes);
  } catch (e) {
    if (e instanceof StrictJsonError) throw badRequest(e.message);
    throw e;
  }
}

/** Read a JSON object body (see readJsonValue) and validate it against a schema, naming the field. */
export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY,
): Promise<v.InferOutput<S>> {
  const value = await readJsonValue(c, maxBytes);
  // Every request body of this API is a JSON object; valibot's object schemas would accept an array.
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("invalid body: it must be a JSON object");
  }
  return param(schema, value, "invalid body");
}

/** Validate a value against a schema; a mismatch is a 400 naming the field (after `prefix`, if any). */
export function param<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  prefix?: string,
): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (!r.success) throw badRequest(`${prefix ? `${prefix}: ` : ""}${describeIssues(r.issues)}`);
  return r.output;
}
