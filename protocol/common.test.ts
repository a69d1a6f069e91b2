import { expect, test } from "bun:test";
import * as v from "valibot";
import { compareSlugs, ID_PATTERN, Id, Slug } from "./common.ts";

test.each([
  ["site-a", true],
  ["app_1", true],
  ["a", true],
  ["A.b.c", true],
  ["clinic-7.front-desk", true],
  ["a".repeat(64), true],
  ["a".repeat(65), false],
  ["", false],
  ["a..b", false],
  ["..", false],
  [".", false],
  [".a", false],
  ["a.", false],
  ["-a", false],
  ["_a", false],
  ["a/b", false],
  ["a\\b", false],
  ["a b", false],
  ["a:b", false],
  ["é", false],
  ["a\nb", false],
  ["a\n", false],
])("Id %j → %p", (id, ok) => {
  expect(v.safeParse(Id, id).success).toBe(ok);
  expect(ID_PATTERN.test(id)).toBe(ok);
});

test.each([
  ["linux.ssh-hardening", true],
  ["windows.firewall", true],
  ["a".repeat(80), true],
  ["a".repeat(81), false],
  ["linux..ssh", false],
  ["linux.", false],
  ["Linux.ssh", false],
  ["a/b", false],
])("Slug %j → %p", (slug, ok) => {
  expect(v.safeParse(Slug, slug).success).toBe(ok);
});

test("compareSlugs orders slugs as localeCompare does", () => {
  // Random slugs over every character a slug may hold, short enough to share long prefixes.
  const chars = "abz09_-.";
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const slugs = ["a", "a-b", "a.b", "a_b", "a0", "ab", "linux.ssh-hardening", "linux.ssh_hardening"];
  while (slugs.length < 3000) {
    let s = "a";
    for (let n = next() % 8; n > 0; n--) s += chars[next() % chars.length];
    if (v.is(Slug, s)) slugs.push(s);
  }
  const sign = (x: number) => Math.sign(x);
  for (let i = 0; i < slugs.length; i++) {
    const a = slugs[i]!;
    const b = slugs[(i * 7919 + 1) % slugs.length]!;
    expect([a, b, sign(compareSlugs(a, b))]).toEqual([a, b, sign(a.localeCompare(b))]);
  }
  expect([...slugs].sort(compareSlugs)).toEqual([...slugs].sort((a, b) => a.localeCompare(b)));
});
