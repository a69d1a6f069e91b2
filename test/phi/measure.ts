import { findPhi } from "../../lib/phi/scrub.ts";
import type { CorpusLine } from "./corpus.ts";

/** Precision and recall of the scrubber on a labelled corpus, with the misses for diagnosis. */
export interface PhiScore {
  precision: number;
  recall: number;
  gold: number;
  predicted: number;
  /** Gold spans not fully covered by a detection. */
  missed: Array<{ line: string; kind: string; text: string }>;
  /** Detections overlapping no gold span. */
  spurious: Array<{ line: string; kind: string; text: string }>;
}

/**
 * Score the scrubber: a gold span counts as recalled when detections cover every character of it;
 * a detection counts as precise when it overlaps some gold span.
 */
export function scoreCorpus(lines: readonly CorpusLine[]): PhiScore {
  let gold = 0;
  let recalled = 0;
  let predicted = 0;
  let precise = 0;
  const missed: PhiScore["missed"] = [];
  const spurious: PhiScore["spurious"] = [];
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
      if (line.spans.some((g) => f.start < g.end && g.start < f.end)) precise++;
      else spurious.push({ line: line.text, kind: f.kind, text: line.text.slice(f.start, f.end) });
    }
  }
  return {
    precision: predicted === 0 ? 1 : precise / predicted,
    recall: gold === 0 ? 1 : recalled / gold,
    gold,
    predicted,
    missed,
    spurious,
  };
}

function coveredChars(spans: readonly { start: number; end: number }[], start: number, end: number): number {
  let n = 0;
  for (const s of spans) n += Math.max(0, Math.min(end, s.end) - Math.max(start, s.start));
  return n;
}
