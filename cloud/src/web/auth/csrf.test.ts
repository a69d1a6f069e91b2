import { expect, test } from "bun:test";
import { sameOrigin, tokensMatch } from "./csrf.ts";

test.each([
  ["abc", "abc", true],
  ["abc", "abd", false],
  ["abc", "abcd", false],
  ["", "", false],
  [undefined, "abc", false],
  ["abc", null, false],
])("tokensMatch(%p, %p) = %p", (a, b, want) => {
  expect(tokensMatch(a, b)).toBe(want);
});

test.each([
  ["no headers (non-browser client)", {}, true],
  ["same origin", { origin: "https://cloud.example", secFetchSite: "same-origin" }, true],
  ["other origin", { origin: "https://evil.example" }, false],
  ["cross-site fetch metadata", { secFetchSite: "cross-site" }, false],
  ["same-site but other origin", { secFetchSite: "same-site" }, false],
  ["opaque origin", { origin: "null" }, false],
  ["other port", { origin: "https://cloud.example:8443" }, false],
])("sameOrigin: %s", (_name, headers, want) => {
  expect(sameOrigin("https://cloud.example/portal/login", headers)).toBe(want);
});
