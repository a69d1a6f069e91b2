import { afterAll, expect, test } from "bun:test";
import { canonicalize } from "../../../protocol/canonical.ts";
import { bundleHash } from "../../../protocol/evidence.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { parallelVerifier } from "./parallel-verify.ts";
import { inlineVerifier } from "./verify-site.ts";

const pool = parallelVerifier(2);
afterAll(() => pool.close());

const a = sampleChain(400, { applianceId: "a" });
const b = sampleChain(300, { applianceId: "b" });
const keys = [a.key.publicKey, b.key.publicKey];
const bodies = [...a.bundles, ...b.bundles].map((x) => canonicalize(x));

test("a clean two-appliance chain: same verdict and heads as the inline verifier", async () => {
  const [par, seq] = await Promise.all([pool.verify(bodies, keys, {}), inlineVerifier(bodies, keys, {})]);
  expect(seq.ok).toBe(true);
  expect(par).toEqual(seq);
});

test("continuing from given heads (a later page)", async () => {
  const start = { a: { seq: 100, hash: bundleHash(a.bundles[99]!) } };
  const page = bodies.slice(100);
  expect(await pool.verify(page, keys, start)).toEqual(await inlineVerifier(page, keys, start));
});

const tamper: [string, (x: string[]) => string[]][] = [
  [
    "a bad signature in the second chunk",
    (x) => x.map((s, i) => (i === 500 ? s.replace(/"sig":"./, '"sig":"0') : s)),
  ],
  ["a dropped bundle at a chunk seam", (x) => x.filter((_, i) => i !== 350)],
  ["a duplicated bundle across chunks", (x) => [...x.slice(0, 380), x[100]!, ...x.slice(380)]],
  ["a swapped pair", (x) => [...x.slice(0, 349), x[350]!, x[349]!, ...x.slice(351)]],
];
test.each(tamper)("%s: the first break is exactly the inline verifier's", async (_n, mutate) => {
  const bad = mutate(bodies);
  const [par, seq] = await Promise.all([pool.verify(bad, keys, {}), inlineVerifier(bad, keys, {})]);
  expect(seq.ok).toBe(false);
  expect(par).toEqual(seq);
});
