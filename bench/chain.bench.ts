/** Pure chain verification throughput (protocol/chain.ts) vs the raw node:crypto verify ceiling. */
import { verifyChain } from "../protocol/chain.ts";
import { bundleSigningBytes } from "../protocol/evidence.ts";
import { verify } from "../protocol/sign.ts";
import { sampleChain } from "../protocol/testkit.ts";

const n = 20_000;
const { key, bundles } = sampleChain(n);
const items = bundles.map((b) => JSON.parse(JSON.stringify(b)));

let t = performance.now();
for (const b of bundles) verify(bundleSigningBytes(b), b.sig, key.publicKey);
const ceiling = n / ((performance.now() - t) / 1000);

t = performance.now();
const r = verifyChain(items, [key.publicKey]);
const rate = n / ((performance.now() - t) / 1000);
if (!r.ok) throw new Error(r.message);
console.log(
  `chain verify (one core): ${Math.round(rate)} bundles/s; ceiling canonicalize+verify only: ${Math.round(ceiling)}/s`,
);
