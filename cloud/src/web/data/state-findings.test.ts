import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { type BundleContent, buildBundle, bundleHash } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import { computeScore } from "../../../../protocol/score.ts";
import { stateDigest, stateOf, verifyStateChain } from "../../../../protocol/state.ts";
import { sampleFinding } from "../../../../protocol/testkit.ts";
import { evidenceLatest, evidenceStateHeads } from "../../db/schema/evidence-state.ts";
import { describeEachDb } from "../../testing/each-db.ts";
import { scoreHistory, siteCompliance, siteScores } from "./compliance.ts";

describeEachDb("compliance from change-based evidence", (cloud) => {
  test("the score of an appliance signing snapshots + changes is the score of its current findings", async () => {
    const c = cloud();
    await c.createSite("s-state");
    const a = await c.createAppliance("s-state", "app-state");
    const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 10, m)).toISOString();
    const ssh = (over: Partial<Finding>) => sampleFinding({ host: "srv-1", ...over });
    const fw = (over: Partial<Finding>) =>
      sampleFinding({ checkId: "windows.firewall", host: "win-1", citations: ["§164.312(b)"], ...over });
    // Cycle 0: both pass (snapshot); 1: quiet; 2: the firewall fails; 3: srv-1 leaves the estate.
    const cycles: Finding[][] = [
      [ssh({ observedAt: at(0) }), fw({ observedAt: at(0) })],
      [ssh({ observedAt: at(1) }), fw({ observedAt: at(1) })],
      [ssh({ observedAt: at(2) }), fw({ observedAt: at(2), status: "fail", actual: "off" })],
      [fw({ observedAt: at(3), status: "fail", actual: "off" })],
    ];
    // The bundles the appliance's change encoder writes for them (protocol only: cloud never imports agent).
    const proof = (i: number, removed: { checkId: string; host: string }[] = [], quiet?: string[]) => {
      const state = stateOf(cycles[i]!);
      const before = stateDigest(stateOf(cycles[i - 1] ?? []).values());
      return {
        digest: stateDigest(state.values()),
        count: state.size,
        removed,
        ...(quiet ? { quiet: { digest: before, at: quiet } } : {}),
      };
    };
    const contents: BundleContent[] = [
      { kind: "state-snapshot", createdAt: at(0), findings: cycles[0], state: proof(0) },
      { kind: "state-delta", createdAt: at(2), findings: [cycles[2]![1]!], state: proof(2, [], [at(1)]) },
      {
        kind: "state-delta",
        createdAt: at(3),
        findings: [],
        state: proof(3, [{ checkId: ssh({}).checkId, host: "srv-1" }]),
      },
    ];
    let head = { seq: 0, hash: "" };
    const bundles = contents.map((content) => {
      const b = buildBundle({ siteId: a.siteId, applianceId: a.applianceId }, head, content, a.key.secretKey);
      head = { seq: b.seq, hash: bundleHash(b) };
      return b;
    });
    expect(verifyStateChain(bundles)).toEqual({ ok: true });
    const r = await a.upload(bundles);
    expect(r.status).toBe(200);

    const got = await siteCompliance(c.deps, "s-state");
    const expected = computeScore(cycles[3]!);
    expect([got.score, got.assessed]).toEqual([expected.score, expected.assessed]);
    expect([...got.findings.values()].map((f) => [f.checkId, f.host, f.status, f.bundle.seq])).toEqual([
      // The failing firewall is linked to the delta that recorded the change.
      ["windows.firewall", "win-1", "fail", 2],
    ]);
    expect((await siteScores(c.deps, ["s-state"])).get("s-state")!.score).toBe(expected.score);
    // Rows from before migration 2500 (or a restore) are absent: the reader rebuilds them from the chain.
    await c.deps.db.delete(evidenceLatest).where(eq(evidenceLatest.siteId, "s-state"));
    await c.deps.db.delete(evidenceStateHeads).where(eq(evidenceStateHeads.siteId, "s-state"));
    const rebuilt = await siteCompliance(c.deps, "s-state");
    expect([...rebuilt.findings.values()]).toEqual([...got.findings.values()]);
    expect(
      await c.deps.db.select().from(evidenceStateHeads).where(eq(evidenceStateHeads.siteId, "s-state")),
    ).toEqual([
      expect.objectContaining({
        throughSeq: 3,
        stateSeq: 3,
        digest: bundles[2]!.v === 2 ? bundles[2]!.state!.digest : "",
      }),
    ]);
    // The daily history scores the day's closing state, rebuilt from the snapshot and the changes.
    const history = await scoreHistory(c.deps, "s-state", 3, new Date(Date.UTC(2026, 10, 26, 12)));
    expect(history).toEqual([
      { day: "2026-11-24", score: null },
      { day: "2026-11-25", score: expected.score },
      { day: "2026-11-26", score: null },
    ]);
  });
});
