import { describe, expect, test } from "bun:test";
import { type BreakKind, type ChainStarts, parseJsonl, positionKey, verifyChain } from "./chain.ts";
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

/**
 * Verify `items` page by page, each page continuing from the heads of the pages before it, with
 * truthful answers about what lies outside the page: the way a stored chain too long to hold in
 * memory is verified.
 */
function verifyPaged(items: unknown[], keys: string[], pageSize: number) {
  let starts: ChainStarts = {};
  const accepted = new Map<string, string>();
  for (let from = 0; from < items.length; from += pageSize) {
    const page = items.slice(from, from + pageSize);
    const r = verifyChain(page, keys, {
      starts,
      indexOffset: from,
      outside: {
        earlierHash: (app, seq) => accepted.get(`${app}#${seq}`),
        laterHas: (position) => items.slice(from + pageSize).some((it) => positionKey(it) === position),
      },
    });
    if (!r.ok) return r;
    for (const it of page) {
      const b = it as EvidenceBundle;
      accepted.set(`${b.applianceId}#${b.seq}`, bundleHash(b));
    }
    starts = { ...starts, ...r.heads };
  }
  return { ok: true, count: items.length, heads: starts };
}

describe("verifyChain page by page", () => {
  const long = sampleChain(12);
  const keys = [long.key.publicKey];
  const items = () => clone(long.bundles);
  const damaged: [string, () => unknown[]][] = [
    ["intact", items],
    [
      "a bundle repeated three pages later",
      () => [...items().slice(0, 10), items()[2], ...items().slice(10)],
    ],
    [
      "an earlier sequence number with other content, pages later",
      () => {
        const bs = items();
        const other = structuredClone(bs[1]) as EvidenceBundle;
        other.kind = "event";
        return [...bs.slice(0, 9), other, ...bs.slice(9)];
      },
    ],
    [
      "a bundle moved to a later page",
      () => [...items().slice(0, 4), ...items().slice(5, 11), items()[4], items()[11]],
    ],
    ["a bundle dropped", () => items().filter((_, i) => i !== 7)],
    [
      "a malformed bundle on the last page",
      () => items().map((b, i) => (i === 10 ? { ...(b as object), seq: "ten" } : b)),
    ],
  ];
  test.each(damaged)("%s: the same verdict, index and message as the whole input", (_n, make) => {
    const input = make();
    for (const size of [1, 3, 5]) expect(verifyPaged(input, keys, size)).toEqual(verifyChain(input, keys));
  });

  test("checkSignatureOf skips the signatures the caller vouches for, and nothing else", () => {
    // The last bundle: no later link commits to its signature.
    const bs = items();
    (bs[11] as EvidenceBundle).sig = (bs[10] as EvidenceBundle).sig;
    expect(verifyChain(bs, keys)).toMatchObject({ ok: false, kind: "bad-signature", index: 11 });
    const asked: number[] = [];
    const skipping = verifyChain(bs, keys, {
      checkSignatureOf: (_b, i) => {
        asked.push(i);
        return i !== 11;
      },
    });
    expect(asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(skipping.ok).toBe(true);
    // Skipping a signature skips nothing else: the same bundle with a broken link still breaks.
    (bs[11] as EvidenceBundle).prevHash = "f".repeat(64);
    expect(verifyChain(bs, keys, { checkSignatureOf: () => false })).toMatchObject({
      ok: false,
      kind: "broken-link",
      index: 11,
    });
  });

  test("indexOffset: indexes and messages count from the page's place in the whole input", () => {
    const bs = items().slice(4);
    (bs[1] as EvidenceBundle).seq = 99;
    const r = verifyChain(bs, keys, {
      starts: { "app-1": { seq: 4, hash: bundleHash(long.bundles[3]!) } },
      indexOffset: 4,
    });
    expect(r).toMatchObject({ ok: false, index: 5 });
    expect(!r.ok && r.message).toContain("(index 5)");
  });
});

describe("parseJsonl", () => {
  test("skips blank lines and names the bad line", () => {
    expect(parseJsonl('{"a":1}\n\n{"b":2}\n')).toEqual({ ok: true, items: [{ a: 1 }, { b: 2 }] });
    expect(parseJsonl('{"a":1}\n{oops\n')).toMatchObject({ ok: false, line: 2 });
  });
});
