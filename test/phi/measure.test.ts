import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { findPhi } from "../../lib/phi/scrub.ts";
import { chatCorpus } from "./chat.ts";
import { type CorpusLine, generateCorpus } from "./corpus.ts";
import { formsCorpus } from "./forms.ts";
import { freeTextLines } from "./freetext.ts";
import { handWrittenLines } from "./handwritten.ts";
import { heldOutCorpus } from "./heldout.ts";
import { localesCorpus } from "./locales.ts";
import { lowercaseCorpus } from "./lowercase.ts";
import { scoreCorpus } from "./measure.ts";

describe("tuning corpus (corpus.ts)", () => {
  const corpus = generateCorpus();

  test("is deterministic and big enough", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    expect(generateCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThan(100);
  });

  test("recall ≥ 0.98, precision ≥ 0.95, preservation ≥ 0.98", () => {
    const s = scoreCorpus(corpus);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.preservation).toBeGreaterThanOrEqual(0.98);
  });

  test("a different seed scores as well (no tuning to one draw)", () => {
    const s = scoreCorpus(generateCorpus({ seed: 7 }));
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
  });
});

// The second tuning corpus (forms.ts): every Safe Harbor kind in many textual forms, other name sources.
describe("forms corpus (forms.ts)", () => {
  const corpus = formsCorpus();

  test("is deterministic, mixed and big enough", () => {
    expect(formsCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length > 0).length).toBeGreaterThanOrEqual(1000);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.flatMap((l) => l.spans.map((s) => s.kind))).size).toBeGreaterThanOrEqual(8);
  });

  // 0.965 before the SCOWL word lists (english.ts), 0.987 with them.
  test("recall ≥ 0.98, preservation ≥ 0.98", () => {
    const s = scoreCorpus(corpus);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.preservation).toBeGreaterThanOrEqual(0.98);
  });
});

// The third tuning corpus (locales.ts): faker people from locales no other corpus draws, by context.
describe("locales corpus (locales.ts)", () => {
  const corpus = localesCorpus();

  test("is deterministic, mixed and big enough", () => {
    expect(localesCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length > 0).length).toBeGreaterThanOrEqual(800);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(300);
  });

  // Measured 0.80 recall before the rules it taught (schedule slots, relatives' roles, ages,
  // verbs that reach a person); 0.94 after; 0.985 with the SCOWL word lists. A drop below is a
  // regression.
  test("recall ≥ 0.98, preservation ≥ 0.97", () => {
    const s = scoreCorpus(corpus);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.preservation).toBeGreaterThanOrEqual(0.97);
  });
});

// The fourth tuning corpus (chat.ts): lowercase staff chat, names with no cue word, from sources no
// other corpus draws. Measured 0.25 recall before the SCOWL word lists (english.ts) told names from
// English, 0.95 after.
describe("chat corpus (chat.ts)", () => {
  const corpus = chatCorpus();

  test("is deterministic, mixed and big enough", () => {
    expect(chatCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length > 0).length).toBeGreaterThanOrEqual(800);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(300);
  });

  test("recall ≥ 0.94, preservation ≥ 0.98, on two seeds", () => {
    for (const seed of [515, 7]) {
      const s = scoreCorpus(chatCorpus({ seed }));
      expect(s.recall).toBeGreaterThanOrEqual(0.94);
      expect(s.preservation).toBeGreaterThanOrEqual(0.98);
    }
  });
});

// The sixth tuning corpus (lowercase.ts): texts, chat and CSV exports written entirely in lowercase,
// census people and streets. The scrubber before it recalled 0.60 (names in lowercase prose, rows'
// name fields and streets with the rarer USPS suffixes were missed), 0.99 after.
describe("lowercase corpus (lowercase.ts)", () => {
  const corpus = lowercaseCorpus();

  test("is deterministic, mixed and big enough", () => {
    expect(lowercaseCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length > 0).length).toBeGreaterThanOrEqual(600);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(250);
    expect(corpus.every((l) => l.text === l.text.toLowerCase())).toBe(true);
  });

  test("recall ≥ 0.97, preservation ≥ 0.99, on two seeds", () => {
    for (const seed of [1207, 7]) {
      const s = scoreCorpus(lowercaseCorpus({ seed }));
      expect(s.recall).toBeGreaterThanOrEqual(0.97);
      expect(s.preservation).toBeGreaterThanOrEqual(0.99);
    }
  });
});

// The tuning corpora typed in lowercase, as chat and some exports write every artefact: a fifth
// tuning method (recall targets: corpus.ts 0.98, forms.ts 0.96, locales.ts 0.98).
describe("tuning corpora in lowercase", () => {
  const lower = (lines: CorpusLine[]) => lines.map((l) => ({ text: l.text.toLowerCase(), spans: l.spans }));
  const cases: Array<[string, () => CorpusLine[], number]> = [
    ["corpus.ts", () => generateCorpus({ seed: 5 }), 0.98],
    ["forms.ts", () => formsCorpus(), 0.96],
    ["locales.ts", () => localesCorpus({ seed: 9 }), 0.98],
  ];
  test.each(cases)("%s", (_, build, recall) => {
    // Lowercasing must not move a label: lines where it changes the length ("İ") are left out.
    const lines = build().filter((l) => l.text.toLowerCase().length === l.text.length);
    const s = scoreCorpus(lower(lines));
    expect(s.gold).toBeGreaterThan(800);
    expect(s.recall).toBeGreaterThanOrEqual(recall);
    expect(s.preservation).toBeGreaterThanOrEqual(0.98);
  });
});

// The held-out corpus (heldout.ts) was written before the scrubber changes it measures and is never
// used to tune them: these are the targets of issue #15 item 3.
describe("held-out corpus (heldout.ts)", () => {
  const corpus = heldOutCorpus();

  test("is deterministic, mixed and big enough", () => {
    expect(heldOutCorpus()).toEqual(corpus);
    expect(corpus.filter((l) => l.spans.length > 0).length).toBeGreaterThanOrEqual(500);
    expect(corpus.filter((l) => l.spans.length === 0).length).toBeGreaterThanOrEqual(200);
    expect(corpus.some((l) => l.spans.length > 0 && l.text === l.text.toUpperCase())).toBe(true);
    expect(corpus.some((l) => l.spans.length > 0 && l.text === l.text.toLowerCase())).toBe(true);
  });

  // The target, met in the lowercase round: recall 0.982 with preservation 0.993 (0.946
  // before the second round of #15.3, 0.960 before the third, 0.963 before the SCOWL word lists,
  // 0.979 before the lowercase round). A drop below is a regression.
  test("recall ≥ 0.98 with preservation ≥ 0.95 (issue #15.3 target)", () => {
    const s = scoreCorpus(corpus);
    expect(s.preservation).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
  });
});

// The free-text sanity sample (freetext.ts), written by hand before the scrubber changes and never
// tuned on: measured 0.79 recall, 0.998 preservation at first, 0.97 now. A drop below is a regression.
test("free-text lines: recall ≥ 0.95, preservation ≥ 0.95", () => {
  const s = scoreCorpus(freeTextLines());
  expect(s.gold).toBeGreaterThan(30);
  expect(s.recall).toBeGreaterThanOrEqual(0.95);
  expect(s.preservation).toBeGreaterThanOrEqual(0.95);
});

test("hand-written lines: recall ≥ 0.95, precision ≥ 0.95", () => {
  const s = scoreCorpus(handWrittenLines());
  expect(s.gold).toBeGreaterThan(20);
  expect(s.recall).toBeGreaterThanOrEqual(0.95);
  expect(s.precision).toBeGreaterThanOrEqual(0.95);
});

// The project's own operational text (runbook scripts and rules: PowerShell cmdlets, check names,
// Windows vocabulary) holds no PHI, so the scrubber must leave every line of it alone.
test("runbooks' own text survives untouched", () => {
  const root = join(import.meta.dir, "..", "..", "runbooks");
  const found: string[] = [];
  let lines = 0;
  for (const f of new Glob("**/*.{ps1,toml}").scanSync(root)) {
    for (const line of readFileSync(join(root, f), "utf8").split("\n")) {
      lines++;
      for (const s of findPhi(line)) found.push(`${f}: ${s.kind} ${line.slice(s.start, s.end)}`);
    }
  }
  expect(lines).toBeGreaterThan(1000);
  expect(found).toEqual([]);
});
