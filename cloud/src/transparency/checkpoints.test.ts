import { expect, test } from "bun:test";
import * as v from "valibot";
import { openNote, parseCheckpoint } from "../../../protocol/checkpoint.ts";
import { leafHash, verifyConsistency, verifyInclusion } from "../../../protocol/merkle.ts";
import { ConsistencyProof, InclusionProof } from "../../../protocol/transparency.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";
import { siteLogHead } from "./append.ts";
import { checkpointKey, issueDueCheckpoints } from "./checkpoints.ts";

const unhex = (h: string) => Buffer.from(h, "hex");

async function upload(a: TestAppliance, n: number) {
  const bundles = a.nextBundles(n);
  const r = await a.upload(bundles);
  expect(r.status).toBe(200);
  return bundles;
}

describeEachDb("transparency checkpoints and proofs", (cloud) => {
  let a: TestAppliance;
  let reader: string;

  test("the job signs a checkpoint when a log grew and its last one is old enough", async () => {
    const c = cloud();
    await c.createSite("cp-a");
    a = await c.createAppliance("cp-a", "cp-a1");
    reader = await c.adminToken("read-only", "cp-a");
    await upload(a, 5);
    expect(await issueDueCheckpoints(c.deps)).toBe(1);
    // Nothing new: nothing due.
    expect(await issueDueCheckpoints(c.deps)).toBe(0);
    await upload(a, 3);
    // Grown, but the last checkpoint is younger than the interval.
    c.clock.advance((c.deps.config.checkpointEveryMin - 1) * 60_000);
    expect(await issueDueCheckpoints(c.deps)).toBe(0);
    c.clock.advance(2 * 60_000);
    expect(await issueDueCheckpoints(c.deps)).toBe(1);

    const r = await c.call("GET", "/api/sites/cp-a/tlog/checkpoint", { bearer: reader });
    expect(r.status).toBe(200);
    const note = await r.text();
    const { body } = openNote(note, [checkpointKey(c.deps, "cp-a")]);
    const cp = parseCheckpoint(body);
    const head = await siteLogHead(c.deps.db, "cp-a");
    expect(cp).toEqual({
      origin: checkpointKey(c.deps, "cp-a").name,
      size: 8,
      root: head.root,
      extensions: [],
    });
    expect(cp.origin).toBe(`${new URL(c.deps.config.publicUrl).host}/tlog/cp-a`);
  });

  test("a checkpoint on demand; read-only callers and other sites' tokens are refused", async () => {
    const c = cloud();
    await upload(a, 2);
    const tech = await c.adminToken("msp-tech", "cp-a");
    const r = await c.call("POST", "/api/sites/cp-a/tlog/checkpoints", { bearer: tech, body: {} });
    expect(r.status).toBe(201);
    const view = (await r.json()) as { size: number; note: string; verifierKey: string };
    expect(view.size).toBe(10);
    expect(view.verifierKey.startsWith(`${checkpointKey(c.deps, "cp-a").name}+`)).toBe(true);
    expect(
      (await c.call("POST", "/api/sites/cp-a/tlog/checkpoints", { bearer: reader, body: {} })).status,
    ).toBe(403);
    await c.createSite("cp-other");
    const other = await c.adminToken("msp-tech", "cp-other");
    expect((await c.call("GET", "/api/sites/cp-a/tlog/checkpoint", { bearer: other })).status).toBe(403);
    const json = await c.call("GET", "/api/sites/cp-a/tlog/checkpoint?format=json", { bearer: reader });
    expect(((await json.json()) as { note: string }).note).toBe(view.note);
  });

  test("inclusion by hash or by appliance and seq, and consistency between two checkpoints, verify", async () => {
    const c = cloud();
    const [bundle] = await upload(a, 1);
    const head = await siteLogHead(c.deps.db, "cp-a");
    const byHash = await c.call(
      "GET",
      `/api/sites/cp-a/tlog/inclusion?applianceId=cp-a1&seq=${bundle!.seq}`,
      {
        bearer: reader,
      },
    );
    expect(byHash.status).toBe(200);
    const p = v.parse(InclusionProof, await byHash.json());
    expect([p.leafIndex, p.treeSize, p.root]).toEqual([10, 11, head.root]);
    verifyInclusion(
      p.leafIndex,
      p.treeSize,
      leafHash(unhex(p.bundleHash)),
      p.proof.map(unhex),
      unhex(p.root),
    );
    const again = await c.call(
      "GET",
      `/api/sites/cp-a/tlog/inclusion?bundleHash=${p.bundleHash}&treeSize=11`,
      {
        bearer: reader,
      },
    );
    expect(v.parse(InclusionProof, await again.json())).toEqual(p);

    const cons = await c.call("GET", "/api/sites/cp-a/tlog/consistency?from=5&to=10", { bearer: reader });
    const q = v.parse(ConsistencyProof, await cons.json());
    verifyConsistency(q.size1, q.size2, unhex(q.root1), unhex(q.root2), q.proof.map(unhex));
  });

  test("bad proof requests are 400 naming the problem", async () => {
    const c = cloud();
    for (const [path, why] of [
      ["/api/sites/cp-a/tlog/inclusion?seq=1", /bundleHash, or by applianceId and seq/],
      ["/api/sites/cp-a/tlog/inclusion?bundleHash=xyz", /64 lowercase hex/],
      ["/api/sites/cp-a/tlog/consistency?from=-1", /whole number/],
      ["/api/sites/cp-a/tlog/consistency?from=3&to=500", /holds 11 leaves, not 500/],
    ] as const) {
      const r = await c.call("GET", path, { bearer: reader });
      expect(r.status).toBe(400);
      expect(JSON.stringify(await r.json())).toMatch(why);
    }
  });
});
