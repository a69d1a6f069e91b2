/**
 * The cloud's strict body reader (protocol/strict-json.ts: strict UTF-8, duplicate keys, depth
 * bound, lone surrogates) on a 500-bundle evidence upload, beside its ceiling measured in the same
 * run: a fatal UTF-8 decode plus JSON.parse alone (what any JSON body costs).
 */
import { parseJsonStrict } from "../protocol/strict-json.ts";
import { sampleChain } from "../protocol/testkit.ts";

const bytes = new TextEncoder().encode(JSON.stringify({ bundles: sampleChain(500).bundles }));
const decoder = new TextDecoder("utf-8", { fatal: true });
const ceiling = () => JSON.parse(decoder.decode(bytes));
const strict = () => parseJsonStrict(bytes);

/** Median milliseconds of `runs` calls (after a warm-up). */
function median(f: () => unknown, runs = 100): number {
  for (let i = 0; i < 50; i++) f();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const mb = bytes.length / 1e6;
const c = median(ceiling);
const s = median(strict);
console.log(
  `strict JSON body (500-bundle upload, ${mb.toFixed(2)} MB): ${s.toFixed(2)} ms = ${(mb / (s / 1000)).toFixed(0)} MB/s; ` +
    `ceiling (decode + JSON.parse) ${c.toFixed(2)} ms = ${(mb / (c / 1000)).toFixed(0)} MB/s; ratio ${(s / c).toFixed(2)}×`,
);
