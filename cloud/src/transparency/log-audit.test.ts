import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { formatCheckpoint, signNote } from "../../../protocol/checkpoint.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { tlogCheckpoints } from "../db/schema/transparency.ts";
import { auditSiteChain } from "../evidence/chain-audit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { checkpointKey, issueCheckpoint } from "./checkpoints.ts";
import { auditSiteLog } from "./log-audit.ts";

async function siteWithLog(c: TestCloud, siteId: string, n = 6) {
  await c.createSite(siteId);
  const a = await c.createAppliance(siteId, `${siteId}-1`);
  const r = await a.upload(a.nextBundles(n));
  expect(r.status).toBe(200);
  await issueCheckpoint(c.deps.db, c.deps, siteId);
}

/** A checkpoint row for `siteId` whose note is signed by `secret`/`pub`, claiming `size` and `root`. */
async function forgedCheckpoint(
  c: TestCloud,
  siteId: string,
  size: number,
  root: string,
  signer = c.deps.keys,
) {
  const name = checkpointKey(c.deps, siteId).name;
  const note = signNote(
    formatCheckpoint({ origin: name, size, root, extensions: [] }),
    name,
    signer.secretKey,
    signer.publicKey,
  );
  await c.deps.db
    .insert(tlogCheckpoints)
    .values({ siteId, size, root, note, keyId: c.deps.keys.keyId, createdAt: c.clock.now() });
}

describeEachDb("transparency log audit", (cloud) => {
  test("a clean log passes, and the chain audit carries its verdict", async () => {
    const c = cloud();
    await siteWithLog(c, "la-ok");
    expect(await auditSiteLog(c.deps.db, c.deps, "la-ok")).toEqual({ ok: true, size: 6, checkpoints: 1 });
    const audit = await auditSiteChain({ ctx: c.systemCtx(), input: { siteId: "la-ok" } });
    expect(audit.ok).toBe(true);
    expect(audit.log).toEqual({ ok: true, size: 6, checkpoints: 1 });
  });

  test("a tampered leaf is named", async () => {
    const c = cloud();
    await siteWithLog(c, "la-leaf");
    await c.withOwnerDb(async (owner) => {
      await owner.execute(sql`ALTER TABLE tlog_leaves DISABLE TRIGGER USER`);
      await owner.execute(
        sql`UPDATE tlog_leaves SET bundle_hash = ${"ab".repeat(32)} WHERE site_id = 'la-leaf' AND idx = 2`,
      );
      await owner.execute(sql`ALTER TABLE tlog_leaves ENABLE TRIGGER USER`);
    });
    const r = await auditSiteLog(c.deps.db, c.deps, "la-leaf");
    expect(r.problem?.kind).toBe("leaf-mismatch");
    expect(r.problem?.message).toMatch(
      /^leaf 2 \(bundle #3 of la-leaf-1\) is abab.*but the stored bundle hashes to/,
    );
  });

  test("a checkpoint signed by another key is named", async () => {
    const c = cloud();
    await siteWithLog(c, "la-key");
    const other = generateKeyPair();
    await forgedCheckpoint(c, "la-key", 6, "cd".repeat(32), { ...other, keyId: "x" });
    const r = await auditSiteLog(c.deps.db, c.deps, "la-key");
    expect(r.problem).toEqual({
      kind: "bad-checkpoint",
      message: expect.stringMatching(/size 6\): the note carries no signature by .*\/tlog\/la-key/),
    });
  });

  test("a signed checkpoint of another history (a fork) is named", async () => {
    const c = cloud();
    await siteWithLog(c, "la-fork");
    await forgedCheckpoint(c, "la-fork", 4, "ef".repeat(32));
    const r = await auditSiteLog(c.deps.db, c.deps, "la-fork");
    expect(r.problem?.kind).toBe("root-mismatch");
    expect(r.problem?.message).toMatch(
      /signs root efef.* for 4 leaves, but the stored leaves make [0-9a-f]{64}/,
    );
  });

  test("a checkpoint larger than the stored log (leaves removed) is named", async () => {
    const c = cloud();
    await siteWithLog(c, "la-short", 3);
    await forgedCheckpoint(c, "la-short", 9, "ab".repeat(32));
    const r = await auditSiteLog(c.deps.db, c.deps, "la-short");
    expect(r.problem).toEqual({
      kind: "missing-leaf",
      message: expect.stringMatching(/signs 9 leaves, but the log holds only 3/),
    });
  });
});
