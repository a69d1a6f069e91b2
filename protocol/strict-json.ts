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

/** Parse JSON from bytes, refusing invalid UTF-8 and a byte-order mark. */
export function parseJsonStrict(bytes: Uint8Array): unknown {
  const text = decodeUtf8Strict(bytes);
  if (text.charCodeAt(0) === 0xfeff) throw new StrictJsonError("body starts with a byte-order mark");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StrictJsonError(`body is not valid JSON: ${(e as Error).message}`);
  }
}
