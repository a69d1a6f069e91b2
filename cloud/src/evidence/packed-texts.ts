/**
 * Stored texts as they cross to a worker thread. Bun copies one long string across threads for a
 * fraction of what thousands of short ones cost (measured here: ~1 against ~15 µs per 1 KB text),
 * and splitting it on the other side is as cheap; slicing it by lengths is not (~6 µs a text). So
 * texts travel joined by newlines, which canonical JSON never holds; a part holding a text that
 * does contain one (only a row written straight into the database can) travels as it is.
 */
export type PackedTexts = { joined: string; count: number } | { texts: string[] };

/** Pack texts for a worker. */
export function packTexts(texts: readonly string[]): PackedTexts {
  if (texts.some((t) => t.includes("\n"))) return { texts: [...texts] };
  return { joined: texts.join("\n"), count: texts.length };
}

/** The texts back from PackedTexts. */
export function unpackTexts(p: PackedTexts): string[] {
  if ("texts" in p) return p.texts;
  return p.count === 0 ? [] : p.joined.split("\n");
}
