import { expect, test } from "bun:test";
import {
  type BundleContent,
  buildBundle,
  bundleHash,
  type EvidenceBundle,
} from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { rebuildStateAt, stateDigest, stateKey, stateOf, verifyStateChain } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { uploadAs } from "../web/testing/seed.ts";
import { drainOutbox } from "./outbox.ts";
import { applianceStateAt } from "./state-at.ts";

describeEachDb("state at a past moment from stored evidence", (cloud) => {
  test("is the state the chain's bundles rebuild to, at every moment, before and after the objects are written", async () => {
    const c = cloud();
    await c.createSite("s-at");
    const a = await c.createAppliance("s-at", "app-at");
    const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 10, m)).toISOString();
    // The firewall fails at cycle 3, passes at 6 (a snapshot) and fails at 9.
    const cycle = (i: number): Finding[] => [
      sampleFinding({ host: "srv-1", observedAt: at(i) }),
      sampleFinding({
        checkId: "windows.firewall",
        host: "win-1",
        observedAt: at(i),
        ...(Math.floor(i / 3) % 2 === 1 ? { status: "fail" as const, actual: "off" } : {}),
      }),
    ];
    const contents: BundleContent[] = [];
    let running = new Map<string, Finding>();
    for (const i of [0, 3, 6, 9]) {
      const snapshot = i === 0 || i === 6;
      const findings = snapshot ? cycle(i) : [cycle(i)[1]!];
      if (snapshot) running = stateOf(findings);
      else for (const f of findings) running.set(stateKey(f), f);
      contents.push({
        kind: snapshot ? "state-snapshot" : "state-delta",
        createdAt: at(i),
        findings,
        state: { digest: stateDigest(running.values()), count: running.size, removed: [] },
      });
    }
    let head = { seq: 0, hash: "" };
    const bundles: EvidenceBundle[] = contents.map((content) => {
      const b = buildBundle({ siteId: a.siteId, applianceId: a.applianceId }, head, content, a.key.secretKey);
      head = { seq: b.seq, hash: bundleHash(b) };
      return b;
    });
    expect(verifyStateChain(bundles)).toEqual({ ok: true });
    await uploadAs(c, a, bundles);
    const check = async () => {
      for (let m = 0; m < 11; m++) {
        const want = rebuildStateAt(bundles, at(m));
        const got = await applianceStateAt(c.deps, a.applianceId, at(m));
        expect(got?.digest).toBe(want!.digest);
        expect(got?.seq).toBe(want!.seq);
      }
      expect(await applianceStateAt(c.deps, a.applianceId, "2026-11-25T09:59:00.000Z")).toBeNull();
    };
    await check();
    await drainOutbox(c.deps);
    await check();
  });
});
