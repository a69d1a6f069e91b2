import { expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import {
  type BundleContent,
  buildBundle,
  bundleHash,
  type EvidenceBundle,
} from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { stateDigest, stateOf, verifyStateChain } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { evidenceLatest, evidenceStateHeads } from "../db/schema/evidence-state.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";

const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 10, m)).toISOString();
const ssh = (over: Partial<Finding>) => sampleFinding({ host: "srv-1", ...over });
const fw = (over: Partial<Finding>) => sampleFinding({ checkId: "windows.firewall", host: "win-1", ...over });

/** Sign contents in chain order after `head`. */
function chainOf(a: TestAppliance, contents: BundleContent[], head = { seq: 0, hash: "" }) {
  return contents.map((content) => {
    const b = buildBundle({ siteId: a.siteId, applianceId: a.applianceId }, head, content, a.key.secretKey);
    head = { seq: b.seq, hash: bundleHash(b) };
    return b;
  });
}

const proof = (findings: Finding[], removed: { checkId: string; host: string }[] = []) => {
  const s = stateOf(findings);
  return { digest: stateDigest(s.values()), count: s.size, removed };
};

async function upload(a: TestAppliance, bundles: EvidenceBundle[]) {
  const r = await a.upload(bundles);
  return { status: r.status, text: await r.text() };
}

async function latestOf(c: TestCloud, applianceId: string) {
  const rows = await c.deps.db
    .select()
    .from(evidenceLatest)
    .where(eq(evidenceLatest.applianceId, applianceId))
    .orderBy(asc(evidenceLatest.checkId), asc(evidenceLatest.host));
  return rows.map((r) => [r.checkId, r.host, r.finding.status, Number(r.seq)]);
}

describeEachDb("latest state per host and check", (cloud) => {
  test("kept at ingest from snapshots, changes and full cycles; a removed host's rows are deleted", async () => {
    const c = cloud();
    await c.createSite("s-latest");
    const a = await c.createAppliance("s-latest", "app-latest");
    const s0 = [ssh({ observedAt: at(0) }), fw({ observedAt: at(0) })];
    const failing = fw({ observedAt: at(2), status: "fail", actual: "off" });
    const bundles = chainOf(a, [
      { kind: "state-snapshot", createdAt: at(0), findings: s0, state: proof(s0) },
      { kind: "state-delta", createdAt: at(2), findings: [failing], state: proof([s0[0]!, failing]) },
    ]);
    expect((await upload(a, bundles)).status).toBe(200);
    expect(await latestOf(c, a.applianceId)).toEqual([
      ["linux.ssh-hardening", "srv-1", "pass", 1],
      ["windows.firewall", "win-1", "fail", 2],
    ]);
    // srv-1 leaves the estate (one upload), then a quiet hour: only the proof head moves.
    const more = chainOf(
      a,
      [
        {
          kind: "state-delta",
          createdAt: at(3),
          findings: [],
          state: proof([failing], [{ checkId: s0[0]!.checkId, host: "srv-1" }]),
        },
        {
          kind: "state-delta",
          createdAt: at(9),
          findings: [],
          state: { ...proof([failing]), quiet: { digest: proof([failing]).digest, at: [at(4)] } },
        },
      ],
      { seq: 2, hash: bundleHash(bundles[1]!) },
    );
    expect(verifyStateChain([...bundles, ...more])).toEqual({ ok: true });
    expect((await upload(a, more)).status).toBe(200);
    expect(await latestOf(c, a.applianceId)).toEqual([["windows.firewall", "win-1", "fail", 2]]);
    const [h] = await c.deps.db
      .select()
      .from(evidenceStateHeads)
      .where(eq(evidenceStateHeads.applianceId, a.applianceId));
    expect([Number(h!.throughSeq), Number(h!.stateSeq), h!.digest, h!.fullSeq]).toEqual([
      4,
      4,
      proof([failing]).digest,
      null,
    ]);
    // A full (v1) cycle replaces the state.
    const full = chainOf(
      a,
      [{ kind: "check-cycle", createdAt: at(10), findings: [ssh({ observedAt: at(10) })] }],
      {
        seq: 4,
        hash: bundleHash(more[1]!),
      },
    );
    expect((await upload(a, full)).status).toBe(200);
    expect(await latestOf(c, a.applianceId)).toEqual([["linux.ssh-hardening", "srv-1", "pass", 5]]);
  });

  test("rows missing for a chain stored before them are rebuilt from the chain at the next upload", async () => {
    const c = cloud();
    await c.createSite("s-backfill");
    const a = await c.createAppliance("s-backfill", "app-backfill");
    const s0 = [ssh({ observedAt: at(0) }), fw({ observedAt: at(0) })];
    const failing = fw({ observedAt: at(2), status: "fail", actual: "off" });
    const bundles = chainOf(a, [
      { kind: "state-snapshot", createdAt: at(0), findings: s0, state: proof(s0) },
      { kind: "state-delta", createdAt: at(2), findings: [failing], state: proof([s0[0]!, failing]) },
      { kind: "state-delta", createdAt: at(3), findings: [], state: proof([s0[0]!, failing]) },
    ]);
    expect((await upload(a, bundles.slice(0, 2))).status).toBe(200);
    // As a database from before migration 2500: rows and heads absent.
    await c.deps.db.delete(evidenceLatest).where(eq(evidenceLatest.applianceId, a.applianceId));
    await c.deps.db.delete(evidenceStateHeads).where(eq(evidenceStateHeads.applianceId, a.applianceId));
    expect((await upload(a, bundles.slice(2))).status).toBe(200);
    expect(await latestOf(c, a.applianceId)).toEqual([
      ["linux.ssh-hardening", "srv-1", "pass", 1],
      ["windows.firewall", "win-1", "fail", 2],
    ]);
  });

  test("a validly signed change bundle whose digest disagrees with the stored state is refused, nothing stored, as the verifier says", async () => {
    const c = cloud();
    await c.createSite("s-digest");
    const a = await c.createAppliance("s-digest", "app-digest");
    const s0 = [ssh({ observedAt: at(0) }), fw({ observedAt: at(0) })];
    const [snap] = chainOf(a, [{ kind: "state-snapshot", createdAt: at(0), findings: s0, state: proof(s0) }]);
    expect((await upload(a, [snap!])).status).toBe(200);
    // The firewall fails, but the bundle claims the state in which srv-1 fails too.
    const failing = fw({ observedAt: at(2), status: "fail", actual: "off" });
    const claimed = proof([ssh({ status: "fail" }), failing]);
    const [bad] = chainOf(
      a,
      [{ kind: "state-delta", createdAt: at(2), findings: [failing], state: claimed }],
      { seq: 1, hash: bundleHash(snap!) },
    );
    const verdict = verifyStateChain([snap!, bad!]);
    expect(verdict.ok).toBe(false);
    const r = await upload(a, [bad!]);
    expect(r.status).toBe(422);
    const computed = proof([s0[0]!, failing]).digest;
    expect(r.text).toContain("state-mismatch");
    expect(r.text).toContain(
      `appliance app-digest bundle #2: the state digest after it is ${claimed.digest} (2 findings)`,
    );
    expect(r.text).toContain(`gives ${computed} (2 findings)`);
    // Nothing of it is stored: no chain row, the latest state as before.
    const chain = await c.deps.db
      .select()
      .from(evidenceChain)
      .where(eq(evidenceChain.applianceId, a.applianceId));
    expect(chain.map((x) => Number(x.seq))).toEqual([1]);
    expect(await latestOf(c, a.applianceId)).toEqual([
      ["linux.ssh-hardening", "srv-1", "pass", 1],
      ["windows.firewall", "win-1", "pass", 1],
    ]);
    // A quiet bundle claiming another state than the stored one is refused the same way.
    const [quiet] = chainOf(
      a,
      [{ kind: "state-delta", createdAt: at(3), findings: [], state: { ...claimed, count: 2 } }],
      { seq: 1, hash: bundleHash(snap!) },
    );
    expect(verifyStateChain([snap!, quiet!]).ok).toBe(false);
    const q = await upload(a, [quiet!]);
    expect(q.status).toBe(422);
    expect(q.text).toContain(`gives ${proof(s0).digest} (2 findings)`);
    // The honest bundle is then stored.
    const [good] = chainOf(
      a,
      [{ kind: "state-delta", createdAt: at(2), findings: [failing], state: proof([s0[0]!, failing]) }],
      { seq: 1, hash: bundleHash(snap!) },
    );
    expect(verifyStateChain([snap!, good!])).toEqual({ ok: true });
    expect((await upload(a, [good!])).status).toBe(200);
  });
});
