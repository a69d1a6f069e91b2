/** PHI scrubber: precision and recall on the synthetic labelled corpus, and scrub throughput. */

import { scrubText } from "../lib/phi/scrub.ts";
import { generateCorpus } from "../test/phi/corpus.ts";
import { handWrittenLines } from "../test/phi/handwritten.ts";
import { scoreCorpus } from "../test/phi/measure.ts";

const corpus = generateCorpus({ phiLines: 2_000, cleanLines: 1_000, seed: 99 });
const s = scoreCorpus(corpus);
console.log(
  `phi scrubber on ${corpus.length} lines (${s.gold} PHI spans): recall ${s.recall.toFixed(4)} (target ≥ 0.98), precision ${s.precision.toFixed(4)} (target ≥ 0.9)`,
);
const h = scoreCorpus(handWrittenLines());
console.log(
  `held-out hand-written lines (${h.gold} PHI spans, phrasing not from the generator): recall ${h.recall.toFixed(3)}, precision ${h.precision.toFixed(3)}`,
);
for (const m of [...s.missed, ...h.missed].slice(0, 5)) console.log(`  missed ${m.kind}: ${m.text}`);
for (const m of [...s.spurious, ...h.spurious].slice(0, 5)) console.log(`  spurious ${m.kind}: ${m.text}`);

const texts = corpus.map((l) => l.text);
const bytes = texts.reduce((n, t) => n + t.length, 0);
for (const t of texts) scrubText(t); // warm up the regex engine
const rounds = 20;
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const t of texts) scrubText(t);
const sec = (performance.now() - t0) / 1000;
console.log(
  `scrubText: ${Math.round((texts.length * rounds) / sec)} lines/s, ${((bytes * rounds) / sec / 1e6).toFixed(1)} MB/s`,
);
// Pathological inputs (long runs a careless regex backtracks over quadratically).
const nasty: Record<string, string> = {
  digits: "1".repeat(20_000),
  "address characters": "A1-".repeat(7_000),
  "labelled note": `Dx: ${"x".repeat(20_000)}`,
  "dotted run": `presented ${"a.1".repeat(7_000)}`,
  "long domain": `${"a".repeat(10_000)}@${"b".repeat(10_000)}`,
  "capitalised words": `Patient: ${"Aaaa ".repeat(4_000)}`,
};
let worst = { name: "", ms: 0 };
for (const [name, text] of Object.entries(nasty)) {
  const t = performance.now();
  scrubText(text);
  const ms = performance.now() - t;
  if (ms > worst.ms) worst = { name, ms };
}
console.log(
  `worst pathological 20 kB input: ${worst.ms.toFixed(1)} ms (${worst.name}); linear scans stay ≲ a few ms`,
);
if (s.recall < 0.98 || s.precision < 0.9) process.exit(1);
