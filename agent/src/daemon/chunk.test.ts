import { expect, test } from "bun:test";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { chunkFindings } from "./chunk.ts";

const f = (i: number, pad = 0) =>
  sampleFinding({ checkId: `windows.c${i}`, details: { pad: "x".repeat(pad) } });
const size = Buffer.byteLength(JSON.stringify(f(0, 1000)));

test.each([
  ["nothing", 0, 3, 1e9, [0]],
  ["under both limits", 5, 10, 1e9, [5]],
  ["by count", 7, 3, 1e9, [3, 3, 1]],
  ["by bytes", 5, 100, size * 2 + 10, [2, 2, 1]],
])("%s", (_n, count, maxCount, maxBytes, sizes) => {
  const all = Array.from({ length: count }, (_, i) => f(i, 1000));
  const parts = chunkFindings(all, maxCount, maxBytes);
  expect(parts.map((p) => p.length)).toEqual(sizes);
  expect(parts.flat()).toEqual(all); // order kept, nothing lost
});

test("one finding larger than the byte limit still gets its own part", () => {
  expect(chunkFindings([f(1, 10), f(2, 5000), f(3, 10)], 100, 1000).map((p) => p.length)).toEqual([1, 1, 1]);
});
