import { describe, expect, test } from "bun:test";
import { canonicalize } from "../../../protocol/canonical.ts";
import { bundleSigningBytes, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { torsionSignature } from "../testing/ed25519-edge-cases.ts";
import { testNativeVerifier } from "../testing/native-verifier.ts";
import { verifyStoredChain } from "./verify-stored.ts";

const start = testNativeVerifier();
// Two appliances in export order (appliance, then sequence): more than two native sub-batches.
const a = sampleChain(700, { applianceId: "app-a" });
const b = sampleChain(500, { applianceId: "app-b" });
const bundles = [...a.bundles, ...b.bundles];
const keys = [a.key.publicKey, b.key.publicKey];
const secretOf = (x: EvidenceBundle) => (x.applianceId === "app-a" ? a.key : b.key).secretKey;
const texts = bundles.map((x) => canonicalize(x));

/** The stored texts with bundle i replaced. */
const replaced = (i: number, x: EvidenceBundle) => texts.map((t, j) => (j === i ? canonicalize(x) : t));
const sequential = (bodies: string[], starts = {}) => verifyStoredChain(bodies, keys, starts, null);

describe("verifyStoredChain with the native batch verifier", () => {
  test("a clean chain: the same heads as one-by-one verification, also from a mid-chain start", () => {
    const r = verifyStoredChain(texts, keys, {}, start);
    expect(r).toEqual(sequential(texts));
    expect(r).toMatchObject({ ok: true, count: 1200 });
    const starts = {
      "app-a": {
        seq: 100,
        hash: (sequential(texts.slice(0, 100)) as { heads: Record<string, { seq: number; hash: string }> })
          .heads["app-a"]!.hash,
      },
    };
    expect(verifyStoredChain(texts.slice(100), keys, starts, start)).toEqual(
      sequential(texts.slice(100), starts),
    );
  });

  const damage: [string, () => string[]][] = [
    ["a signature from another bundle", () => replaced(333, { ...bundles[333]!, sig: bundles[334]!.sig })],
    ["content changed after signing", () => replaced(650, { ...bundles[650]!, kind: "event" })],
    ["a missing bundle", () => texts.filter((_, j) => j !== 900)],
    ["two bundles swapped", () => texts.map((t, j) => (j === 10 ? texts[11]! : j === 11 ? texts[10]! : t))],
    ["a text that is not a bundle", () => texts.map((t, j) => (j === 42 ? '{"v":1}' : t))],
    [
      "a bad signature before a gap",
      () => replaced(100, { ...bundles[100]!, sig: bundles[101]!.sig }).filter((_, j) => j !== 800),
    ],
    [
      "a torsion-tweaked signature mid-chain (the next link no longer matches)",
      () =>
        replaced(400, {
          ...bundles[400]!,
          sig: torsionSignature(bundleSigningBytes(bundles[400]!), secretOf(bundles[400]!)),
        }),
    ],
    [
      "a torsion-tweaked signature on an appliance's last bundle (no link covers it)",
      () =>
        replaced(699, {
          ...bundles[699]!,
          sig: torsionSignature(bundleSigningBytes(bundles[699]!), secretOf(bundles[699]!)),
        }),
    ],
  ];
  test.each(damage)("%s: the first break exactly as one-by-one verification names it", (_, make) => {
    const bodies = make();
    const r = verifyStoredChain(bodies, keys, {}, start);
    expect(r.ok).toBe(false);
    expect(r).toEqual(sequential(bodies));
  });

  test("the torsion-tweaked last bundle is named a bad signature, as node:crypto and export verify name it", () => {
    const x = bundles[1199]!;
    const bodies = replaced(1199, { ...x, sig: torsionSignature(bundleSigningBytes(x), secretOf(x)) });
    expect(verifyStoredChain(bodies, keys, {}, start)).toMatchObject({
      ok: false,
      kind: "bad-signature",
      index: 1199,
    });
  });
});
