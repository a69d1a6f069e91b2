import { expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { canonicalize } from "../../../protocol/canonical.ts";
import { buildBundle, bundleHash } from "../../../protocol/evidence.ts";
import { stateDigest } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { evidenceObjectBytes } from "./object-store.ts";

test("a .gz key's bytes are the same gzip every time and inflate to the body; other keys are the text", () => {
  const body = JSON.stringify({ findings: Array.from({ length: 50 }, () => sampleFinding()) });
  const a = evidenceObjectBytes("s/2026/11/a-1.json.gz", body);
  expect(Buffer.from(a).equals(Buffer.from(evidenceObjectBytes("s/2026/11/a-1.json.gz", body)))).toBe(true);
  expect(gunzipSync(a).toString("utf8")).toBe(body);
  expect(a.length).toBeLessThan(body.length / 10);
  expect(new TextDecoder().decode(evidenceObjectBytes("s/2026/11/a-1.json", body))).toBe(body);
});

describeEachDb("evidence objects", (cloud) => {
  test("v2 bundles are locked gzip-compressed; v1 bundles keep their plain .json objects", async () => {
    const c = cloud();
    await c.createSite("s-gz");
    const a = await c.createAppliance("s-gz", "app-gz");
    const [v1] = a.nextBundles(1);
    const f = sampleFinding({ observedAt: v1!.createdAt });
    const v2 = buildBundle(
      { siteId: a.siteId, applianceId: a.applianceId },
      { seq: 1, hash: bundleHash(v1!) },
      {
        kind: "state-snapshot",
        createdAt: v1!.createdAt,
        findings: [f],
        state: { digest: stateDigest([f]), count: 1, removed: [] },
      },
      a.key.secretKey,
    );
    const r = await a.upload([v1, v2]);
    expect(r.status).toBe(200);
    expect((await drainOutbox(c.deps, {})).written).toBe(2);
    const rows = await c.deps.db
      .select({ seq: evidenceChain.seq, key: evidenceChain.objectKey, body: evidenceChain.body })
      .from(evidenceChain)
      .where(eq(evidenceChain.applianceId, a.applianceId))
      .orderBy(evidenceChain.seq);
    expect(rows.map((x) => x.key.replace(/^.*-/, ""))).toEqual(["1.json", "2.json.gz"]);
    // The chain rows are the index only; the bodies are the objects, exactly what was verified.
    expect(rows.map((x) => x.body)).toEqual([null, null]);
    expect(new TextDecoder().decode((await c.deps.store.get(rows[0]!.key))!)).toBe(canonicalize(v1!));
    expect(gunzipSync((await c.deps.store.get(rows[1]!.key))!).toString("utf8")).toBe(canonicalize(v2));
  });
});
