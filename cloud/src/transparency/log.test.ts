import { expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { leafHash, rootOfLeafHashes, verifyConsistency, verifyInclusion } from "../../../protocol/merkle.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { tlogLeaves } from "../db/schema/transparency.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";
import { appendToSiteLog, siteLogHead } from "./append.ts";
import { consistencyProof, inclusionProof } from "./proofs.ts";

const unhex = (h: string) => Buffer.from(h, "hex");

async function upload(a: TestAppliance, n: number) {
  const r = await a.upload(a.nextBundles(n));
  expect(r.status).toBe(200);
}

describeEachDb("transparency log", (cloud) => {
  test("ingest extends the site's log: one leaf per stored bundle, root as computed whole", async () => {
    const c = cloud();
    await c.createSite("tl-a");
    await c.createSite("tl-b");
    const a1 = await c.createAppliance("tl-a", "tl-a1");
    const a2 = await c.createAppliance("tl-a", "tl-a2");
    const b1 = await c.createAppliance("tl-b", "tl-b1");
    await upload(a1, 3);
    await upload(a2, 4);
    await upload(b1, 2);
    await upload(a1, 6);
    const leaves = await c.deps.db
      .select()
      .from(tlogLeaves)
      .where(eq(tlogLeaves.siteId, "tl-a"))
      .orderBy(asc(tlogLeaves.idx));
    expect(leaves.map((l) => `${l.applianceId}#${l.seq}`)).toEqual([
      ...[1, 2, 3].map((s) => `tl-a1#${s}`),
      ...[1, 2, 3, 4].map((s) => `tl-a2#${s}`),
      ...[4, 5, 6, 7, 8, 9].map((s) => `tl-a1#${s}`),
    ]);
    // Each leaf is the chain hash of the bundle it names.
    const chain = await c.deps.db.select().from(evidenceChain).where(eq(evidenceChain.siteId, "tl-a"));
    const hashOf = new Map(chain.map((r) => [`${r.applianceId}#${r.seq}`, r.hash]));
    for (const l of leaves) expect(l.bundleHash).toBe(hashOf.get(`${l.applianceId}#${l.seq}`)!);
    const head = await siteLogHead(c.deps.db, "tl-a");
    expect(head.size).toBe(13);
    expect(head.root).toBe(
      rootOfLeafHashes(leaves.map((l) => leafHash(unhex(l.bundleHash)))).toString("hex"),
    );
    expect((await siteLogHead(c.deps.db, "tl-b")).size).toBe(2);
  });

  test("a resent bundle adds no leaf", async () => {
    const c = cloud();
    await c.createSite("tl-r");
    const a = await c.createAppliance("tl-r", "tl-r1");
    const bundles = a.nextBundles(3);
    for (let i = 0; i < 2; i++) {
      await a.upload(bundles);
    }
    expect((await siteLogHead(c.deps.db, "tl-r")).size).toBe(3);
  });

  test("proofs from the stored nodes verify for every leaf and every earlier size", async () => {
    const c = cloud();
    const db = c.deps.db;
    // Appends in uneven batches, each starting from the stored right edge (as a restarted or
    // different instance would), against leaf hashes computed whole.
    const hashes: string[] = [];
    let n = 0;
    for (const batch of [1, 2, 5, 1, 13, 8, 3, 40, 1, 27]) {
      const entries = Array.from({ length: batch }, () => {
        n++;
        const bundleHash = leafHash(Buffer.from(`bundle ${n}`)).toString("hex");
        hashes.push(bundleHash);
        return { applianceId: "tl-p1", seq: n, bundleHash };
      });
      await db.transaction((tx) => appendToSiteLog(tx, "tl-p", entries));
    }
    const leafHashes = hashes.map((h) => leafHash(unhex(h)));
    const rootAt = (size: number) => rootOfLeafHashes(leafHashes.slice(0, size));
    const size = hashes.length;
    expect((await siteLogHead(db, "tl-p")).root).toBe(rootAt(size).toString("hex"));
    for (let i = 0; i < size; i += 7) {
      const byHash = await inclusionProof(db, "tl-p", { bundleHash: hashes[i]! });
      expect(byHash.leafIndex).toBe(i);
      verifyInclusion(i, size, leafHashes[i]!, byHash.proof.map(unhex), unhex(byHash.root));
      const earlier = i + 1 + ((i * 13) % (size - i));
      const bySeq = await inclusionProof(db, "tl-p", { applianceId: "tl-p1", seq: i + 1 }, earlier);
      expect(bySeq.root).toBe(rootAt(earlier).toString("hex"));
      verifyInclusion(i, earlier, leafHashes[i]!, bySeq.proof.map(unhex), rootAt(earlier));
    }
    for (const [s1, s2] of [
      [0, 5],
      [1, size],
      [7, 8],
      [8, 64],
      [37, 73],
      [64, size],
      [size, size],
    ] as const) {
      const p = await consistencyProof(db, "tl-p", s1, s2);
      expect([p.root1, p.root2]).toEqual([rootAt(s1).toString("hex"), rootAt(s2).toString("hex")]);
      verifyConsistency(s1, s2, unhex(p.root1), unhex(p.root2), p.proof.map(unhex));
    }
  });

  test("asking past the log, or for a bundle it does not hold, is refused by name", async () => {
    const db = cloud().deps.db;
    await expect(consistencyProof(db, "tl-p", 1, 10_000)).rejects.toThrow(/holds 101 leaves, not 10000/);
    await expect(consistencyProof(db, "tl-p", 50, 20)).rejects.toThrow(/larger than second size/);
    await expect(inclusionProof(db, "tl-p", { applianceId: "tl-p1", seq: 999 })).rejects.toThrow(
      /bundle #999 of tl-p1 is not in site tl-p's log/,
    );
    await expect(inclusionProof(db, "tl-p", { applianceId: "tl-p1", seq: 90 }, 50)).rejects.toThrow(
      /leaf 89, past a tree of 50 leaves/,
    );
  });
});
