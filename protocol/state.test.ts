import { expect, test } from "bun:test";
import * as v from "valibot";
import { verifyChain } from "./chain.ts";
import { buildBundle, bundleHash, EvidenceBundle } from "./evidence.ts";
import { canonicalHash } from "./hash.ts";
import { rebuildStateAt, stateDigest, stateOf } from "./state.ts";
import { sampleChain, sampleFinding } from "./testkit.ts";

const a = sampleFinding({ host: "b-host" });
const b = sampleFinding({ checkId: "a.check", status: "fail", actual: "off" });

test("the state digest is SHA-256 of the canonical array of projections, sorted by check then host", () => {
  const projection = (f: typeof a) => ({
    checkId: f.checkId,
    host: f.host,
    status: f.status,
    severity: f.severity,
    title: f.title,
    citations: f.citations,
    expected: f.expected ?? null,
    actual: f.actual ?? null,
  });
  expect(stateDigest([a, b])).toBe(canonicalHash([projection(b), projection(a)]));
  // Details and observation time are not state.
  expect(stateDigest([{ ...a, details: { x: 1 }, observedAt: "2027-01-01T00:00:00.000Z" }, b])).toBe(
    stateDigest([a, b]),
  );
  expect(stateDigest([{ ...a, actual: "other" }, b])).not.toBe(stateDigest([a, b]));
});

test("a v1 chain continued by v2 state bundles verifies; a state kind without its proof is malformed", () => {
  const { key, bundles } = sampleChain(3);
  const last = bundles.at(-1)!;
  const state = stateOf([a, b]);
  const snap = buildBundle(
    { siteId: last.siteId, applianceId: last.applianceId },
    { seq: last.seq, hash: bundleHash(last) },
    {
      kind: "state-snapshot",
      createdAt: "2026-11-25T11:00:00.000Z",
      findings: [a, b],
      state: { digest: stateDigest(state.values()), count: 2, removed: [] },
    },
    key.secretKey,
  );
  expect(snap.v).toBe(2);
  expect(bundles[0]!.v).toBe(1);
  expect(verifyChain([...bundles, snap], [key.publicKey])).toMatchObject({ ok: true, count: 4 });
  expect(rebuildStateAt([...bundles, snap], "2026-11-25T12:00:00.000Z")!.digest).toBe(stateDigest([a, b]));
  expect(rebuildStateAt([...bundles, snap], "2026-11-25T10:30:00.000Z")).toBeNull();
  const { state: _s, ...noProof } = snap as Extract<EvidenceBundle, { v: 2 }>;
  expect(v.safeParse(EvidenceBundle, noProof).success).toBe(false);
  expect(() =>
    buildBundle(
      { siteId: "s", applianceId: "x" },
      { seq: 0, hash: "" },
      { kind: "state-delta", createdAt: snap.createdAt },
      key.secretKey,
    ),
  ).toThrow(/needs state proof/);
});
