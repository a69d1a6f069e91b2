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
  checkStructure(bytes, opts.maxDepth ?? MAX_JSON_DEPTH);
  return value;
}

/** One open array or object while scanning. */
interface Frame {
  object: boolean;
  /** Objects: the keys seen so far, as [hash, start, end] triples (see `keyBytes`). */
  keys: number[];
  /** Objects with many keys: triple positions in `keys` by hash. */
  index: Map<number, number[]> | null;
  /** Objects: the position of the last key's triple (-1: none yet); arrays: the current index. */
  at: number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Past this many keys an object's keys are looked up by hash instead of scanned. */
const SCAN_KEYS = 16;
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Walk the bytes of a document JSON.parse accepted, in one pass without recursion: depth,
 * duplicate keys, lone surrogates. It reads bytes, not the decoded string: every structural
 * character is ASCII, and no byte of a multi-byte UTF-8 sequence is below 0x80, so none can be
 * mistaken for one. Only strings holding an escape are decoded. A key is compared by its UTF-8
 * bytes (one-to-one with its text), an escaped key by the bytes of its decoded form.
 */
function checkStructure(bytes: Uint8Array, maxDepth: number): void {
  const stack: Frame[] = [];
  /** Decoded escaped keys, as UTF-8; a key triple with start < 0 points here (-start - 1). */
  const decodedKeys: Uint8Array[] = [];
  const keyBytes = (from: number, to: number) =>
    from < 0 ? decodedKeys[-from - 1]!.subarray(0, to) : bytes.subarray(from, to);
  const keyText = (f: Frame, at: number) => utf8.decode(keyBytes(f.keys[at + 1]!, f.keys[at + 2]!));
  const where = () =>
    `$${stack
      .map((f) => (f.object ? (f.expectKey || f.at < 0 ? "" : `.${keyText(f, f.at)}`) : `[${f.at}]`))
      .join("")}`;
  // Only on a hash match, so copying here costs nothing that matters.
  const sameKey = (aFrom: number, aTo: number, bFrom: number, bTo: number): boolean => {
    const x = keyBytes(aFrom, aTo);
    const y = keyBytes(bFrom, bTo);
    return x.length === y.length && x.every((v, k) => v === y[k]);
  };
  const n = bytes.length;
  let top: Frame | undefined;
  for (let i = 0; i < n; i++) {
    const ch = bytes[i]!;
    if (ch === QUOTE) {
      let from = i + 1;
      let escaped = false;
      for (i = from; bytes[i] !== QUOTE; i++) {
        if (bytes[i] === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      let to = i;
      const isKey = top?.object === true && top.expectKey;
      if (escaped) {
        const decoded = JSON.parse(utf8.decode(bytes.subarray(from - 1, to + 1))) as string;
        if (!decoded.isWellFormed()) {
          throw new StrictJsonError(
            `body has a lone surrogate in a ${isKey ? "key" : "string"} at ${where()}`,
          );
        }
        if (isKey) {
          const enc = utf8Encoder.encode(decoded);
          decodedKeys.push(enc);
          from = -decodedKeys.length;
          to = enc.length;
        }
      }
      if (isKey && top) {
        // FNV-1a over the key's bytes (in place: no copy on this path).
        const src = from < 0 ? decodedKeys[-from - 1]! : bytes;
        let h = 0x811c9dc5;
        for (let k = Math.max(from, 0); k < to; k++) h = Math.imul(h ^ src[k]!, 0x01000193);
        const keys = top.keys;
        let dup = false;
        if (top.index === null) {
          for (let k = 0; k < keys.length && !dup; k += 3) {
            dup = keys[k] === h && sameKey(keys[k + 1]!, keys[k + 2]!, from, to);
          }
        } else {
          for (const k of top.index.get(h) ?? []) dup ||= sameKey(keys[k + 1]!, keys[k + 2]!, from, to);
        }
        if (dup) {
          throw new StrictJsonError(
            `body has the key ${JSON.stringify(utf8.decode(keyBytes(from, to)))} twice in one object at ${where()}`,
          );
        }
        const at = top.keys.length;
        top.keys.push(h, from, to);
        if (top.index) {
          const list = top.index.get(h);
          if (list) list.push(at);
          else top.index.set(h, [at]);
        } else if (at / 3 >= SCAN_KEYS) {
          top.index = new Map();
          for (let k = 0; k < top.keys.length; k += 3) {
            const list = top.index.get(top.keys[k]!);
            if (list) list.push(k);
            else top.index.set(top.keys[k]!, [k]);
          }
        }
        top.at = at;
        top.expectKey = false;
      }
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        throw new StrictJsonError(`body nests deeper than ${maxDepth} levels at ${where()}`);
      }
      const object = ch === 0x7b;
      top = { object, keys: [], index: null, at: object ? -1 : 0, expectKey: object };
      stack.push(top);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      top = stack[stack.length - 1];
    } else if (ch === 0x2c /* , */ && top) {
      if (top.object) top.expectKey = true;
      else top.at++;
    }
  }
}
