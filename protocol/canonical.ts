/**
 * JSON Canonicalization Scheme (RFC 8785). The bytes we sign and hash are always produced here,
 * so that agent and cloud agree on them whatever key order or number spelling a message arrived with.
 */

/** Thrown for values JCS cannot represent (NaN, Infinity, lone surrogates, non-JSON types). */
export class CanonicalizeError extends Error {
  override name = "CanonicalizeError";
}

// Where the serializer is, kept as a stack of keys and indexes and turned into "$.a[1]" text only
// for an error message: building that text for every value cost more than the serialization.
type PathStack = (string | number)[];

function pathText(stack: PathStack): string {
  return `$${stack.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
}

function serializeString(s: string, stack: PathStack): string {
  // Lone surrogates are not valid Unicode text; RFC 8785 §3.2.2.2 requires rejecting them.
  if (!s.isWellFormed()) throw new CanonicalizeError(`lone surrogate in string at ${pathText(stack)}`);
  // JSON.stringify escapes exactly the RFC 8785 set (", \, control characters as \b \t \n \f \r or \u00xx).
  return JSON.stringify(s);
}

function serializeNumber(n: number, stack: PathStack): string {
  if (!Number.isFinite(n)) throw new CanonicalizeError(`non-finite number at ${pathText(stack)}`);
  // ECMAScript Number-to-String is the RFC's number format; -0 serializes as 0.
  return Object.is(n, -0) ? "0" : String(n);
}

function serialize(value: unknown, stack: PathStack): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serializeNumber(value, stack);
    case "string":
      return serializeString(value, stack);
    case "object": {
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (let i = 0; i < value.length; i++) {
          stack.push(i);
          items.push(serialize(value[i], stack));
          stack.pop();
        }
        return `[${items.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalizeError(`unsupported object type at ${pathText(stack)}`);
      }
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        const key = serializeString(k, stack);
        stack.push(k);
        parts.push(`${key}:${serialize(v, stack)}`);
        stack.pop();
      }
      return `{${parts.join(",")}}`;
    }
    default:
      throw new CanonicalizeError(`unsupported ${typeof value} at ${pathText(stack)}`);
  }
}

/**
 * Whether JSON.stringify already writes `value` canonically: only null, booleans, finite numbers,
 * well-formed strings, arrays without holes and plain objects whose keys come in sorted order (what
 * a canonical text parses back into, e.g. every bundle an agent sends). JSON.stringify then writes
 * what `serialize` would (same string escaping and number format, -0 as 0), natively and about 4×
 * faster; anything else takes `serialize`, which sorts and refuses what JCS cannot represent.
 */
function stringifiesCanonically(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "string":
      return value.isWellFormed();
    case "object": {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined || !stringifiesCanonically(value[i])) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      let previous: string | undefined;
      // Object.keys order is JSON.stringify's; the comparison is the UTF-16 order of `serialize`'s sort.
      for (const k of Object.keys(value)) {
        if ((previous !== undefined && !(previous < k)) || !k.isWellFormed()) return false;
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined || !stringifiesCanonically(v)) return false;
        previous = k;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Canonical JSON text of a JSON-compatible value (RFC 8785). */
export function canonicalize(value: unknown): string {
  return stringifiesCanonically(value) ? JSON.stringify(value) : serialize(value, []);
}

const encoder = new TextEncoder();

/** Canonical JSON as UTF-8 bytes: the exact bytes that are hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}
