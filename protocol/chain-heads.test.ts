import { describe, expect, test } from "bun:test";
import { splitExport } from "./chain-export.ts";
import { checkCompleteness, signChainHead } from "./chain-heads.ts";
import { bundleHash } from "./evidence.ts";
import { generateKeyPair } from "./sign.ts";
import { sampleChain } from "./testkit.ts";

const ids = { siteId: "site-a", applianceId: "app-1" };
const at = "2026-11-25T11:00:00.000Z";

describe("signed chain heads (completeness)", () => {
  const { key, bundles } = sampleChain(5, ids);
  const headAt = (seq: number) =>
    signChainHead({ ...ids, seq, hash: bundleHash(bundles[seq - 1]!), at }, key.secretKey);

  test("an export reaching the signed head is complete up to its sequence", () => {
    const r = checkCompleteness(bundles, [headAt(3), headAt(5)], [key.publicKey]);
    expect(r).toEqual({
      ok: true,
      complete: [{ applianceId: "app-1", seq: 5, hash: bundleHash(bundles[4]!), at, keyId: headAt(5).keyId }],
    });
  });

  test("fewer bundles than the signed head says is a truncated export, named", () => {
    const r = checkCompleteness(bundles.slice(0, 3), [headAt(5)], [key.publicKey]);
    expect(r).toMatchObject({ ok: false, kind: "truncated", applianceId: "app-1" });
    expect(!r.ok && r.message).toBe(
      `truncated export: app-1 signed its chain head at #5 (${at}) but the export holds its bundles only up to #3`,
    );
    expect(checkCompleteness([], [headAt(2)], [key.publicKey])).toMatchObject({
      ok: false,
      kind: "truncated",
    });
  });

  test("a head whose hash is not the export's bundle at that sequence is a fork", () => {
    const wrong = signChainHead({ ...ids, seq: 4, hash: bundleHash(bundles[2]!), at }, key.secretKey);
    const r = checkCompleteness(bundles, [wrong], [key.publicKey]);
    expect(r).toMatchObject({ ok: false, kind: "fork" });
    expect(!r.ok && r.message).toContain("app-1 signed head #4");
  });

  test("a head signed by an untrusted key or altered after signing is refused", () => {
    const other = generateKeyPair();
    const foreign = signChainHead({ ...ids, seq: 5, hash: bundleHash(bundles[4]!), at }, other.secretKey);
    const r1 = checkCompleteness(bundles, [foreign], [key.publicKey]);
    expect(r1).toMatchObject({ ok: false, kind: "bad-head" });
    expect(!r1.ok && r1.message).toContain("not among the trusted keys");
    // Lowering the signed sequence would hide a truncation: the signature no longer matches.
    const lowered = { ...headAt(5), payload: { ...headAt(5).payload, seq: 3 } };
    const r2 = checkCompleteness(bundles.slice(0, 3), [lowered], [key.publicKey]);
    expect(r2).toMatchObject({ ok: false, kind: "bad-head" });
    expect(!r2.ok && r2.message).toContain("signature does not match");
    const r3 = checkCompleteness(bundles, [{ payload: { type: "malachor-chain-head/v1" } }], [key.publicKey]);
    expect(r3).toMatchObject({ ok: false, kind: "bad-head" });
  });

  test("an export splits into bundles and the heads that follow them", () => {
    const h = headAt(5);
    expect(splitExport([...bundles, h])).toEqual({ floors: [], bundles, heads: [h] });
  });
});
