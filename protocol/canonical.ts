/**
 * JSON Canonicalization Scheme (RFC 8785). The bytes we sign and hash are always produced here,
 * so that agent and cloud agree on them whatever key order or number spelling a message arrived with.
 */

/** Thrown for values JCS cannot represent (NaN, Infinity, lone surrogates, non-JSON types). */
export class CanonicalizeError extends Error {
  override name = "CanonicalizeError";
}

// Lone surrogates are not valid Unicode text; RFC 8785 §3.2.2.2 requires rejecting them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalizeError(`lone surrogate in string at ${path}`);
  // JSON.stringify escapes exactly the RFC 8785 set (", \, control characters as \b \t \n \f \r or \u00xx).
  return JSON.stringify(s);
}

function serializeNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new CanonicalizeError(`non-finite number at ${path}`);
  // ECMAScript Number-to-String is the RFC's number format; -0 serializes as 0.
  return Object.is(n, -0) ? "0" : String(n);
}

function serialize(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serializeNumber(value, path);
    case "string":
      return serializeString(value, path);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => serialize(v, `${path}[${i}]`)).join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalizeError(`unsupported object type at ${path}`);
      }
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(`${serializeString(k, path)}:${serialize(v, `${path}.${k}`)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      throw new CanonicalizeError(`unsupported ${typeof value} at ${path}`);
  }
}

/** Canonical JSON text of a JSON-compatible value (RFC 8785). */
export function canonicalize(value: unknown): string {
  return serialize(value, "$");
}

const encoder = new TextEncoder();

/** Canonical JSON as UTF-8 bytes: the exact bytes that are hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}
