import { findPhi } from "../../lib/phi/scrub.ts";
import type { CorpusLine } from "./corpus.ts";

/** Precision, recall and word preservation of the scrubber on a labelled corpus, with the misses for diagnosis. */
export interface PhiScore {
  precision: number;
  recall: number;
  /** Share of the words outside every gold span that no detection touches. */
  preservation: number;
  gold: number;
  predicted: number;
  /** Words outside every gold span (the denominator of `preservation`). */
  words: number;
  /** Gold spans not fully covered by a detection. */
  missed: Array<{ line: string; kind: string; text: string }>;
  /** Detections overlapping no gold span. */
  spurious: Array<{ line: string; kind: string; text: string }>;
  /** Words outside the gold spans that a detection removed. */
  lost: Array<{ line: string; word: string }>;
}

// A word: a run of letters and digits (an apostrophe inside keeps "O'Brien" and "patient's" whole).
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * Score the scrubber: a gold span counts as recalled when detections cover every character of it;
 * a detection counts as precise when it overlaps some gold span; a word outside the gold spans
 * counts as preserved when no detection overlaps it.
 */
export function scoreCorpus(lines: readonly CorpusLine[]): PhiScore {
  let gold = 0;
  let recalled = 0;
  let predicted = 0;
  let precise = 0;
  let words = 0;
  let kept = 0;
  const missed: PhiScore["missed"] = [];
  const spurious: PhiScore["spurious"] = [];
  const lost: PhiScore["lost"] = [];
  for (const line of lines) {
    const found = findPhi(line.text);
    predicted += found.length;
    for (const g of line.spans) {
      gold++;
      const covered = coveredChars(found, g.start, g.end);
      if (covered === g.end - g.start) recalled++;
      else missed.push({ line: line.text, kind: g.kind, text: line.text.slice(g.start, g.end) });
    }
    for (const f of found) {
      if (line.spans.some((g) => overlaps(f, g))) precise++;
      else spurious.push({ line: line.text, kind: f.kind, text: line.text.slice(f.start, f.end) });
    }
    for (const m of line.text.matchAll(WORD)) {
      const w = { start: m.index, end: m.index + m[0].length };
      if (line.spans.some((g) => overlaps(w, g))) continue;
      words++;
      if (found.some((f) => overlaps(w, f))) lost.push({ line: line.text, word: m[0] });
      else kept++;
    }
  }
  return {
    precision: predicted === 0 ? 1 : precise / predicted,
    recall: gold === 0 ? 1 : recalled / gold,
    preservation: words === 0 ? 1 : kept / words,
    gold,
    predicted,
    words,
    missed,
    spurious,
    lost,
  };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function coveredChars(spans: readonly { start: number; end: number }[], start: number, end: number): number {
  let n = 0;
  for (const s of spans) n += Math.max(0, Math.min(end, s.end) - Math.max(start, s.start));
  return n;
}
