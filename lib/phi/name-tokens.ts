/**
 * Words of a line as the name finder sees them: letters with inner apostrophes, split at hyphens and
 * at CamelCase joins ("JohnsonJennifer"), each with its case shape, the separator before it, and
 * whether it sits inside a file name, path or URL.
 */
import type { NameRanks } from "./names.ts";

export type Shape = "title" | "upper" | "lower" | "initial" | "mixed";

export interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
  shape: Shape;
  /** The characters between the previous token and this one ("" for a CamelCase split). */
  sep: string;
  /** No whitespace around: part of a file name, path, URL or identifier. */
  compound: boolean;
  /** How many CamelCase parts the word this token came from has (1 for most words). */
  parts: number;
  /** Followed by a possessive "'s", which is not part of the token. */
  possessive: boolean;
  ranks?: NameRanks;
  /** The word's SCOWL level, once asked (name-words.ts `english`). */
  english?: number;
  /** Whether English lacks the word, once asked (name-words.ts `foreign`). */
  foreign?: boolean;
  /** Whether the word may be a name at all, once asked (name-words.ts `nameWord`). */
  named?: boolean;
}

// A word: letters with inner apostrophes ("O'Brien", "D’Angelo"); hyphens split, and rejoin below.
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;
const COMPOUND_SEP = /^(?:[_.+^/\\-]|%20|%2C)$/;
// Characters that only join the parts of a file name, path or URL (not "." or "-", which prose uses):
// "_", "^", "/" and "\\", by character code (asked of every word).
function joiner(c: number): boolean {
  return c === 95 || c === 94 || c === 47 || c === 92;
}
/** Whether `sep` joins the words of a file name, path or URL ("_", ".", "/", "%20"…). */
export function compoundSep(sep: string): boolean {
  if (sep.length === 1) return "_.+^/\\-".includes(sep);
  return sep.length === 3 && COMPOUND_SEP.test(sep);
}

/** The words of `text`, in order. */
export function tokenize(text: string): Token[] {
  const toks: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    const sep = text.slice(prevEnd, m.index);
    const w = m[0];
    const last = w[w.length - 1];
    const apostrophe = w[w.length - 2];
    const possessive =
      w.length > 3 && (last === "s" || last === "S") && (apostrophe === "'" || apostrophe === "’");
    const word = possessive ? w.slice(0, -2) : w;
    const parts = camelParts(word);
    for (let n = 0; n < parts.length; n++) {
      const [off, part] = parts[n]!;
      const start = m.index + off;
      const end = start + part.length;
      toks.push({
        start,
        end,
        text: part,
        lower: part.toLowerCase(),
        shape: shapeOf(part),
        sep: off === 0 ? sep : "",
        compound: false,
        possessive: possessive && n === parts.length - 1,
        parts: parts.length,
        // The caches the name rules fill, present from the start: every token keeps one object shape,
        // so the rules' property reads stay monomorphic.
        ranks: undefined,
        english: undefined,
        foreign: undefined,
        named: undefined,
      });
    }
    prevEnd = m.index + m[0].length;
  }
  // A token is part of a compound (file name, path, URL) when it touches a non-space separator;
  // the CamelCase parts of one word share the word's answer.
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const before = t.sep;
    const after = i + 1 < toks.length ? toks[i + 1]!.sep : text.slice(t.end, t.end + 1);
    const next = toks[i + 1];
    const prev = i > 0 ? toks[i - 1] : undefined;
    // A hyphen between capitalised words is part of a name ("Anne-Marie", "AL-SAYED"); between
    // lowercase words it joins a file name ("nguyen-robert-labs.csv").
    // "KobayashiAlbert_1013.docx", "\\Scans\\2019_Nguyen": a file-name joiner right beside the word
    // counts even when digits, not a word, are on its other side.
    t.compound =
      (compoundSep(before) && (before !== "-" || t.shape === "lower" || prev?.shape === "lower")) ||
      (compoundSep(after) && (after !== "-" || t.shape === "lower" || next?.shape === "lower")) ||
      joiner(text.charCodeAt(t.start - 1)) ||
      joiner(text.charCodeAt(t.end));
  }
  for (let i = toks.length - 1; i > 0; i--)
    if (toks[i]!.sep === "" && toks[i]!.compound) toks[i - 1]!.compound = true;
  for (let i = 1; i < toks.length; i++)
    if (toks[i]!.sep === "" && toks[i - 1]!.compound) toks[i]!.compound = true;
  return toks;
}

// "JohnsonJennifer" → Johnson, Jennifer; "McDonald", "LaToya", "DeShawn" stay whole.
const CAMEL_BREAK = /(?<=\p{Ll})(?=\p{Lu}\p{Ll})/u;
function camelParts(word: string): Array<[number, string]> {
  // Most words have no inner capital: one part, no scan (ASCII words by character codes).
  if (!maybeCamel(word) || !CAMEL_BREAK.test(word)) return [[0, word]];
  const parts: Array<[number, string]> = [];
  let from = 0;
  for (const m of word.matchAll(/(?<=\p{Ll})(?=\p{Lu}\p{Ll})/gu)) {
    if (m.index - from < 3) continue;
    parts.push([from, word.slice(from, m.index)]);
    from = m.index;
  }
  parts.push([from, word.slice(from)]);
  return parts;
}

// Whether a word may hold a lowercase letter followed by a capital: false only for ASCII words without one.
function maybeCamel(word: string): boolean {
  let lower = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c > 127) return true;
    if (c >= 97 && c <= 122) lower = true;
    else if (lower && c >= 65 && c <= 90) return true;
  }
  return false;
}

function shapeOf(w: string): Shape {
  // ASCII words (most of a log) by character codes; others by case mapping.
  let upper = 0;
  let lower = 0;
  let ascii = true;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c > 127) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    upper = w === w.toLowerCase() ? 0 : 1;
    lower = w === w.toUpperCase() ? 0 : 1;
    // Mixed case: one capital if the rest is lowercase ("Łukasz"), else more.
    if (upper && lower) upper = w.slice(1) === w.slice(1).toLowerCase() ? 1 : 2;
  }
  if (w.length === 1) return upper ? "initial" : "lower";
  if (!lower) return "upper";
  if (!upper) return "lower";
  const first = w.charCodeAt(0);
  const firstUpper = ascii ? first >= 65 && first <= 90 : /^\p{Lu}/u.test(w);
  if (
    firstUpper &&
    (upper === 1 || /^(?:Mc|Mac|O['’]?|D['’]|De|Da|Du|La|Le|Van|Di|Al|El)\p{Lu}\p{Ll}/u.test(w))
  )
    return "title";
  return "mixed";
}
