/**
 * Strict decoding of untrusted JSON bytes. Invalid UTF-8 is refused (never replaced with U+FFFD),
 * so what we verify and store is exactly what the sender signed.
 */

export class StrictJsonError extends Error {
  override name = "StrictJsonError";
}

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
 * Parse JSON from bytes, refusing invalid UTF-8, a byte-order mark, and strings (or keys) holding
 * a lone surrogate escape such as "\ud800": such a string has no UTF-8 form, so it could be
 * neither canonicalised, signed nor stored as sent.
 */
export function parseJsonStrict(bytes: Uint8Array): unknown {
  const text = decodeUtf8Strict(bytes);
  if (text.charCodeAt(0) === 0xfeff) throw new StrictJsonError("body starts with a byte-order mark");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StrictJsonError(`body is not valid JSON: ${(e as Error).message}`);
  }
  // Only escapes can produce a lone surrogate (the text itself is valid UTF-8).
  if (text.includes("\\u")) assertWellFormed(value, "$");
  return value;
}

function assertWellFormed(value: unknown, path: string): void {
  if (typeof value === "string") {
    if (!value.isWellFormed()) throw new StrictJsonError(`body has a lone surrogate in a string at ${path}`);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) assertWellFormed(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (!k.isWellFormed()) throw new StrictJsonError(`body has a lone surrogate in a key at ${path}`);
      assertWellFormed(v, `${path}.${k}`);
    }
  }
}
