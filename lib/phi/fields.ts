/**
 * Labelled values in structured text: XML elements (`<BirthDate>1961-03-07</BirthDate>`), quoted
 * key/value pairs (`"dob": "…"`) and key=value pairs (`birth_date=… zip=…`). A key that names PHI
 * (keys.ts, the table scrubJson uses) makes its whole value PHI, as scrubJson does for a JSON key.
 * A bare `name` key is everything from a product to a person, so its value counts only when it reads
 * as a person's name: two to four name words, no digits, none of them a device or document word.
 */
import type { PhiKind } from "./detectors.ts";
import { kindOfKey } from "./keys.ts";
import { tokenize } from "./name-tokens.ts";
import { DOCUMENT, nameWord, PARTICLE } from "./name-words.ts";

/** A labelled value: [start, end) of the value and the kind its key names. */
export interface FieldSpan {
  kind: PhiKind;
  start: number;
  end: number;
}

const KEY = "[A-Za-z][A-Za-z0-9_.-]{0,30}";
// <Key attr="…">value</Key>, "key": "value", key=value (up to the next key=, "&", ";", "|" or a quote).
const FIELD = new RegExp(
  String.raw`<(?<xk>${KEY})(?:\s[^<>]{0,80})?>(?<xv>[^<>\n]{1,80})</\k<xk>>|"(?<jk>${KEY})"\s*:\s*"(?<jv>[^"\n]{1,80})"|(?<![\w.-])(?<qk>${KEY})=(?:"(?<qq>[^"\n]{1,80})"|(?<qv>[^\s&;|"<>]{1,80}(?: (?![A-Za-z0-9_.-]+=)[^\s&;|"<>=]{1,40}){0,3}))`,
  "dg",
);

/** The labelled PHI values in `text`. */
export function findFields(text: string): FieldSpan[] {
  if (!/[>:=]/.test(text)) return [];
  const out: FieldSpan[] = [];
  for (const m of text.matchAll(FIELD)) {
    const g = m.groups!;
    const key = g.xk ?? g.jk ?? g.qk!;
    const name = g.xv !== undefined ? "xv" : g.jv !== undefined ? "jv" : g.qq !== undefined ? "qq" : "qv";
    const range = m.indices!.groups![name]!;
    const value = text.slice(range[0], range[1]);
    const kind =
      kindOfKey(key) ??
      (/^(?:name|fullname|display_?name)$/i.test(key) && personName(value) ? "name" : undefined);
    if (kind && /[\p{L}\p{N}]/u.test(value)) out.push({ kind, start: range[0], end: range[1] });
  }
  return out;
}

// "Joep Wada", "NGUYEN, ROBERT", "maria de la cruz": a person's name, not "Windows Update" or "Nightly EHR 2".
function personName(value: string): boolean {
  if (/[\d@/\\]/.test(value)) return false;
  const words = tokenize(value.replace(/\+|%20/g, " "));
  const full = words.filter((w) => w.text.length > 1);
  if (full.length < 2 || full.length > 4) return false;
  return full.every(
    (w) => w.shape !== "mixed" && !DOCUMENT.has(w.lower) && (nameWord(w) || PARTICLE.has(w.lower)),
  );
}
