import { describe, expect, test } from "bun:test";
import { type BreakKind, parseJsonl, verifyChain } from "./chain.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "./evidence.ts";
import { generateKeyPair } from "./sign.ts";
import { sampleChain, sampleFinding } from "./testkit.ts";

const { key, bundles } = sampleChain(6);
const pub = [key.publicKey];
const clone = (bs: EvidenceBundle[]) => bs.map((b) => structuredClone(b)) as unknown[];

describe("verifyChain", () => {
  test("an intact chain verifies and reports the head", () => {
    const r = verifyChain(bundles, pub);
    expect(r).toEqual({ ok: true, count: 6, heads: { "app-1": { seq: 6, hash: bundleHash(bundles[5]!) } } });
  });

  test("empty input is ok", () => {
    expect(verifyChain([], pub)).toEqual({ ok: true, count: 0, heads: {} });
  });

  const cases: [string, () => unknown[], BreakKind, number][] = [
    [
      "a changed field",
      () => {
        const bs = clone(bundles);
        (bs[2] as EvidenceBundle).findings[0]!.status = "pass";
        (bs[2] as EvidenceBundle).findings[0]!.actual = "PermitRootLogin yes";
        return bs;
      },
      "bad-signature",
      2,
    ],
    ["a dropped bundle", () => clone(bundles).filter((_, i) => i !== 3), "sequence-gap", 3],
    ["a dropped first bundle", () => clone(bundles).slice(1), "sequence-gap", 0],
    [
      "two bundles swapped",
      () => {
        const bs = clone(bundles);
        [bs[2], bs[3]] = [bs[3], bs[2]];
        return bs;
      },
      "reordered",
      2,
    ],
    [
      "a duplicated bundle",
      () => {
        const bs = clone(bundles);
        bs.splice(4, 0, structuredClone(bs[3]));
        return bs;
      },
      "duplicated",
      4,
    ],
    ["the wrong key", () => clone(sampleChain(3).bundles), "bad-signature", 0],
    [
      "a malformed bundle",
      () => {
        const bs = clone(bundles);
        (bs[1] as { seq: unknown }).seq = "two";
        return bs;
      },
      "malformed",
      1,
    ],
  ];

  test.each(cases)("detects %s", (_name, make, kind, index) => {
    const r = verifyChain(make(), pub);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe(kind);
      expect(r.index).toBe(index);
      expect(r.message.length).toBeGreaterThan(10);
    }
  });

  test("a re-signed bundle with a broken link is a broken link", () => {
    const forged = buildBundle(
      { siteId: "site-a", applianceId: "app-1" },
      { seq: 2, hash: "f".repeat(64) },
      { kind: "check-cycle", findings: [sampleFinding()], createdAt: "2026-11-25T11:00:00.000Z" },
      key.secretKey,
    );
    const bs = [...clone(bundles.slice(0, 2)), forged];
    const r = verifyChain(bs, pub);
    expect(r).toMatchObject({ ok: false, kind: "broken-link", index: 2, seq: 3 });
  });

  test("a second bundle with the same seq and other content is a fork", () => {
    const other = buildBundle(
      { siteId: "site-a", applianceId: "app-1" },
      { seq: 0, hash: "" },
      { kind: "event", createdAt: "2026-11-25T09:00:00.000Z" },
      key.secretKey,
    );
    expect(verifyChain([bundles[0], other], pub)).toMatchObject({ ok: false, kind: "fork", index: 1 });
  });

  test("interleaved appliances verify independently, each with its own key", () => {
    const a = sampleChain(3, { applianceId: "app-a" });
    const b = sampleChain(3, { applianceId: "app-b" });
    const mixed = [a.bundles[0], b.bundles[0], b.bundles[1], a.bundles[1], a.bundles[2], b.bundles[2]];
    const r = verifyChain(mixed, [a.key.publicKey, b.key.publicKey]);
    expect(r.ok).toBe(true);
  });

  test("a suffix verifies from a given start", () => {
    const r = verifyChain(bundles.slice(3), pub, {
      starts: { "app-1": { seq: 3, hash: bundleHash(bundles[2]!) } },
    });
    expect(r.ok).toBe(true);
  });

  test("a fresh key cannot stand in for the appliance's", () => {
    const r = verifyChain(bundles, [generateKeyPair().publicKey]);
    expect(r).toMatchObject({ ok: false, kind: "bad-signature", index: 0 });
  });
});

describe("parseJsonl", () => {
  test("skips blank lines and names the bad line", () => {
    expect(parseJsonl('{"a":1}\n\n{"b":2}\n')).toEqual({ ok: true, items: [{ a: 1 }, { b: 2 }] });
    expect(parseJsonl('{"a":1}\n{oops\n')).toMatchObject({ ok: false, line: 2 });
  });
});
