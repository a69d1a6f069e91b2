import { expect, test } from "bun:test";
import { plainHttpProblem } from "./plain-http.ts";

test.each([
  ["https://cloud.example.com", false, null],
  ["http://127.0.0.1:8080", false, null],
  ["http://127.9.9.9", false, null],
  ["http://localhost:8080", false, null],
  ["http://[::1]:8080", false, null],
  ["http://cloud.example.com", false, /plain http to cloud\.example\.com/],
  ["http://10.0.0.5:8080", false, /plain http to 10\.0\.0\.5:8080/],
  ["http://[fd00::1]:8080", false, /plain http/],
  ["http://cloud.example.com", true, null],
] as const)("%s (allowed: %p)", (url, allow, expected) => {
  const p = plainHttpProblem(url, allow);
  if (expected === null) expect(p).toBeNull();
  else expect(p).toMatch(expected);
});
