import { expect, test } from "bun:test";
import { canonicalize } from "./canonical.ts";
import { verifyChain } from "./chain.ts";
import { bundleSigningBytes, signingBytesFromCanonical } from "./evidence.ts";
import { sampleChain } from "./testkit.ts";

const { key, bundles } = sampleChain(6);
const texts = bundles.map((b) => canonicalize(b));

test("signingBytesFromCanonical equals bundleSigningBytes", () => {
  for (const b of bundles)
    expect(signingBytesFromCanonical(canonicalize(b), b.sig)).toEqual(bundleSigningBytes(b));
});

test("a nested member that looks like the signature does not confuse the cut", () => {
  const b = bundles[0]!;
  const tricky = {
    ...b,
    events: [{ type: "attestation" as const, at: b.createdAt, summary: "x", details: { sig: b.sig } }],
  };
  expect(signingBytesFromCanonical(canonicalize(tricky), b.sig)).toEqual(bundleSigningBytes(tricky));
});

test("with canonicalTexts: same verdict as without, on a good chain and on tampered ones", () => {
  const items = texts.map((t) => JSON.parse(t) as unknown);
  expect(verifyChain(items, [key.publicKey], { canonicalTexts: texts })).toEqual(
    verifyChain(items, [key.publicKey]),
  );
  const swapped = [items[0], items[2], items[1], ...items.slice(3)];
  const swappedTexts = [texts[0]!, texts[2]!, texts[1]!, ...texts.slice(3)];
  expect(verifyChain(swapped, [key.publicKey], { canonicalTexts: swappedTexts })).toEqual(
    verifyChain(swapped, [key.publicKey]),
  );
});

test("a stored text that is not canonical can only fail", () => {
  const items = texts.map((t) => JSON.parse(t) as unknown);
  const spaced = texts.map((t, i) => (i === 2 ? t.replace('"kind":', '"kind" :') : t));
  const r = verifyChain(items, [key.publicKey], { canonicalTexts: spaced });
  expect(r.ok).toBe(false);
});
