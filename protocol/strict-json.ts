/**
 * Strict decoding of untrusted JSON bytes. Invalid UTF-8 is refused (never replaced with U+FFFD),
 * so what we verify and store is exactly what the sender signed; duplicate keys (which JSON.parse
 * would silently resolve to the last one) and nesting deeper than a bound are refused too, so no
 * validator or hash that recurses ever sees a hostile depth.
 */

export class StrictJsonError extends Error {
  override name = "StrictJsonError";
}

/** Deepest nesting of arrays/objects accepted by default; real messages are under ten levels deep. */
export const MAX_JSON_DEPTH = 64;

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode UTF-8 strictly; throws StrictJsonError naming the problem. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new StrictJsonError("body is not valid UTF-8");
  }
}

/**
 * Parse JSON from bytes, refusing invalid UTF-8, a byte-order mark, duplicate keys in an object,
 * nesting deeper than `maxDepth`, and strings (or keys) holding a lone surrogate escape such as
 * "\ud800": such a string has no UTF-8 form, so it could be neither canonicalised, signed nor
 * stored as sent.
 */
export function parseJsonStrict(bytes: Uint8Array, opts: { maxDepth?: number } = {}): unknown {
  const text = decodeUtf8Strict(bytes);
  if (text.charCodeAt(0) === 0xfeff) throw new StrictJsonError("body starts with a byte-order mark");
  let value: unknown;
  try {
    // JSON.parse is iterative in Bun (JavaScriptCore): deep nesting is measured below, not here.
    value = JSON.parse(text);
  } catch (e) {
    throw new StrictJsonError(`body is not valid JSON: ${(e as Error).message}`);
  }
  checkStructure(text, opts.maxDepth ?? MAX_JSON_DEPTH);
  return value;
}

/** One open array or object while scanning. */
interface Frame {
  object: boolean;
  /** Objects: keys seen so far (made at the first key); arrays: unused. */
  keys: Set<string> | null;
  /** Objects: the last key seen; arrays: the current element's index. */
  at: string | number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Walk text that JSON.parse accepted, without recursion: depth, duplicate keys, lone surrogates.
 * Strings are skipped with indexOf; only those holding an escape are decoded.
 */
function checkStructure(text: string, maxDepth: number): void {
  const stack: Frame[] = [];
  const where = () =>
    `$${stack
      .map((f) => (f.object ? (f.expectKey ? "" : `.${String(f.at)}`) : `[${f.at as number}]`))
      .join("")}`;
  let nextEscape = text.indexOf("\\");
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      let end = text.indexOf('"', i + 1);
      let escaped = false;
      if (nextEscape !== -1 && nextEscape < end) {
        escaped = true;
        // A quote preceded by an odd run of backslashes is part of the string.
        for (;;) {
          let b = end - 1;
          while (text.charCodeAt(b) === BACKSLASH) b--;
          if ((end - 1 - b) % 2 === 0) break;
          end = text.indexOf('"', end + 1);
        }
        nextEscape = text.indexOf("\\", end + 1);
      }
      const top = stack[stack.length - 1];
      const isKey = top?.object === true && top.expectKey;
      let s: string | null = null;
      if (escaped) {
        s = JSON.parse(text.slice(i, end + 1)) as string;
        if (!s.isWellFormed()) {
          throw new StrictJsonError(
            `body has a lone surrogate in a ${isKey ? "key" : "string"} at ${where()}`,
          );
        }
      }
      if (isKey) {
        const key = s ?? text.slice(i + 1, end);
        top.keys ??= new Set();
        if (top.keys.has(key)) {
          throw new StrictJsonError(
            `body has the key ${JSON.stringify(key)} twice in one object at ${where()}`,
          );
        }
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end + 1;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        throw new StrictJsonError(`body nests deeper than ${maxDepth} levels at ${where()}`);
      }
      const object = ch === 0x7b;
      stack.push({ object, keys: null, at: object ? "" : 0, expectKey: object });
      i++;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.object) top.expectKey = true;
      else top.at = (top.at as number) + 1;
      i++;
    } else i++;
  }
}
