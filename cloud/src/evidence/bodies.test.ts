import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { canonicalize } from "../../../protocol/canonical.ts";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { insertStoredRow } from "../testing/stored-chains.ts";
import { uploadAs } from "../web/testing/seed.ts";
import { EvidenceBodyError, evidenceBodies, TextLru } from "./bodies.ts";
import { drainOutbox } from "./outbox.ts";

test("the cache keeps at most its bound, drops the least recently used first, and skips a huge text", () => {
  const lru = new TextLru(80);
  lru.set("a", "x".repeat(10));
  lru.set("b", "y".repeat(10));
  expect(lru.get("a")).toBe("x".repeat(10)); // a is now the most recent
  for (const k of ["c", "d", "e", "f", "g", "h", "i"]) lru.set(k, "z".repeat(10));
  expect(lru.bytes).toBeLessThanOrEqual(80);
  // b was the least recently used; a, read since, stays.
  expect(lru.get("b")).toBeUndefined();
  expect(lru.get("a")).toBe("x".repeat(10));
  lru.set("j", "z".repeat(10));
  expect(lru.get("c")).toBeUndefined();
  lru.set("big", "w".repeat(11)); // over an eighth of the bound
  expect(lru.get("big")).toBeUndefined();
  expect(lru.entries).toBe(8);
  expect(lru.bytes).toBe(80);
  expect(lru.hits).toBe(2);
});

describeEachDb("evidence bodies", (cloud) => {
  test("a body is read from the outbox before the store has it, then from the store, always the verified text", async () => {
    const c = cloud();
    await c.createSite("s-bodies");
    const a = await c.createAppliance("s-bodies", "app-bodies");
    const bundles = a.nextBundles(5);
    await uploadAs(c, a, bundles);
    const refs = bundles.map((b) => ({ applianceId: a.applianceId, seq: b.seq }));
    const expected = bundles.map((b) => canonicalize(b));
    // The chain rows are the index only: no body, its size instead.
    const rows = await c.deps.db
      .select()
      .from(evidenceChain)
      .where(eq(evidenceChain.applianceId, a.applianceId));
    expect(
      rows.every((r) => r.body === null && r.size === Buffer.byteLength(canonicalize(bundles[r.seq - 1]!))),
    ).toBe(true);
    // A reader of its own, so that the cache does not answer.
    const before = evidenceBodies(c.deps.db, c.deps.store, { maxCacheBytes: 0 });
    expect(await before.read(refs)).toEqual(expected);
    expect((await drainOutbox(c.deps)).failed).toBe(0);
    expect(
      await c.deps.db.select().from(evidenceOutbox).where(eq(evidenceOutbox.applianceId, a.applianceId)),
    ).toEqual([]);
    const after = evidenceBodies(c.deps.db, c.deps.store);
    expect(await after.read(refs)).toEqual(expected);
    expect(await after.parsed(refs.slice(0, 1))).toEqual([JSON.parse(expected[0]!)]);
    expect(after.stats.entries).toBe(5);
    expect(after.stats.hits).toBe(1);
  });

  test("a body read once is one cache miss, read again one hit", async () => {
    const c = cloud();
    await c.createSite("s-misses");
    const a = await c.createAppliance("s-misses", "app-misses");
    await uploadAs(c, a, a.nextBundles(2));
    const reader = evidenceBodies(c.deps.db, c.deps.store);
    const refs = [1, 2].map((seq) => ({ applianceId: a.applianceId, seq }));
    await reader.read(refs);
    expect([reader.stats.misses, reader.stats.hits]).toEqual([2, 0]);
    await reader.read(refs);
    expect([reader.stats.misses, reader.stats.hits]).toEqual([2, 2]);
  });

  test("rows stored before migration 2400 are read from their own body", async () => {
    const c = cloud();
    await c.createSite("s-legacy-body");
    const a = await c.createAppliance("s-legacy-body", "app-legacy-body");
    const [b] = a.nextBundles(1);
    await insertStoredRow(c.deps.db, "s-legacy-body", b!);
    expect(await c.deps.bodies.read([{ applianceId: a.applianceId, seq: 1 }])).toEqual([canonicalize(b!)]);
  });

  test("a body in neither the store nor the outbox is an error naming the bundle and its object", async () => {
    const c = cloud();
    await c.createSite("s-lost");
    const a = await c.createAppliance("s-lost", "app-lost");
    await uploadAs(c, a, a.nextBundles(2));
    // A queued body is fixed: the service's role may drop a written entry, never change what it holds.
    const edit = await c.deps.db
      .update(evidenceOutbox)
      .set({ body: "{}" })
      .where(eq(evidenceOutbox.applianceId, a.applianceId))
      .catch((e: unknown) => e);
    expect(String((edit as Error).cause ?? edit)).toContain("a queued body and its object key cannot change");
    // Entries dropped before their objects were written (the drain deletes only written ones).
    await c.deps.db.delete(evidenceOutbox).where(eq(evidenceOutbox.applianceId, a.applianceId));
    const err = await c.deps.bodies.read([{ applianceId: a.applianceId, seq: 2 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvidenceBodyError);
    expect((err as Error).message).toMatch(
      /s-lost\/\d{4}\/\d{2}\/app-lost-2\.json \(bundle #2 of app-lost\) is neither in the dir store nor in the outbox/,
    );
    const missing = await c.deps.bodies
      .read([{ applianceId: a.applianceId, seq: 9 }])
      .catch((e: unknown) => e);
    expect((missing as Error).message).toBe("bundle #9 of app-lost is not in the chain");
  });
});
