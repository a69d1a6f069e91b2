import { expect, test } from "bun:test";
import * as v from "valibot";
import { ID_PATTERN, Id, Slug } from "./common.ts";

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
