import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { and, asc, eq, sql } from "drizzle-orm";
import { sha256Hex } from "../../../protocol/hash.ts";
import type { Tier } from "../config.ts";
import { evidenceAlerts, evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import { evidenceObjectText, type ObjectStore } from "../store/object-store.ts";
import { ensureBucket, s3Client, s3Store } from "../store/s3-store.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { motoAvailable, startMoto, type TestS3 } from "../testing/s3-servers.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "../testing/test-cloud.ts";
import {
  ALERT_AFTER_ATTEMPTS,
  backoffMs,
  drainOutbox,
  evidenceOutboxJob,
  MAX_BACKOFF_MS,
  OBJECT_WRITE_ALERT,
} from "./outbox.ts";

async function ingest(a: TestAppliance, n: number) {
  const r = await a.upload(a.nextBundles(n));
  expect(r.status).toBe(200);
}

/** The /health answer. */
interface HealthBody {
  ok: boolean;
  outbox: { depth: number; oldestAgeSec: number; failing: number; alerted: number };
  problems?: string[];
}

const objectAlerts = (c: TestCloud, applianceId: string) =>
  c.deps.db
    .select()
    .from(evidenceAlerts)
    .where(and(eq(evidenceAlerts.kind, OBJECT_WRITE_ALERT), eq(evidenceAlerts.applianceId, applianceId)))
    .orderBy(asc(evidenceAlerts.id));

const outboxSize = async (c: TestCloud) =>
  Number((await c.deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox))[0]!.n);

/** Every chain row has its object in the store with exactly the same bytes. */
async function assertStoreMatchesChain(c: TestCloud, store: ObjectStore = c.deps.store) {
  const rows = await c.deps.db.select().from(evidenceChain);
  for (const r of rows) {
    const obj = await store.get(r.objectKey);
    // The object is the body the chain row indexes: its hash is the row's.
    expect(obj === null ? null : sha256Hex(evidenceObjectText(r.objectKey, obj))).toBe(r.hash);
  }
}

describeEachDb("evidence outbox: store and chain never disagree", (cloud) => {
  let a: TestAppliance;

  test("crash before the object write: the entry stays and the next pass completes it", async () => {
    const c = cloud();
    await c.createSite("site-a");
    a = await c.createAppliance("site-a", "a1");
    await ingest(a, 4);
    const down: ObjectStore = {
      ...c.deps.store,
      put: async () => {
        throw new Error("store unreachable");
      },
    };
    const r1 = await drainOutbox(c.deps, { store: down });
    expect(r1).toEqual({ written: 0, alreadyPresent: 0, failed: 4, alerted: 0 });
    expect(await outboxSize(c)).toBe(4);
    const [row] = await c.deps.db.select().from(evidenceOutbox).limit(1);
    expect(row).toMatchObject({ attempts: 1, lastError: "store unreachable", alertedAt: null });
    // Backed off: not due again for a second.
    expect(await drainOutbox(c.deps)).toEqual({ written: 0, alreadyPresent: 0, failed: 0, alerted: 0 });
    c.clock.advance(1000);
    const r2 = await drainOutbox(c.deps);
    expect(r2).toEqual({ written: 4, alreadyPresent: 0, failed: 0, alerted: 0 });
    expect(await outboxSize(c)).toBe(0);
    await assertStoreMatchesChain(c);
  });

  test("crash after the object write but before the entry is cleared: the retry finds it present", async () => {
    const c = cloud();
    await ingest(a, 3);
    let calls = 0;
    const dies: ObjectStore = {
      ...c.deps.store,
      put: async (key, body, opts) => {
        await c.deps.store.put(key, body, opts);
        calls++;
        throw new Error("process killed after PUT");
      },
    };
    await drainOutbox(c.deps, { store: dies });
    expect(calls).toBe(3);
    expect(await outboxSize(c)).toBe(3);
    c.clock.advance(1000);
    expect(await drainOutbox(c.deps)).toEqual({ written: 0, alreadyPresent: 3, failed: 0, alerted: 0 });
    expect(await outboxSize(c)).toBe(0);
    await assertStoreMatchesChain(c);
  });

  test("a crash inside the ingest transaction leaves neither chain row nor outbox entry", async () => {
    const c = cloud();
    const before = (await c.deps.db.select().from(evidenceChain)).length;
    const outBefore = await outboxSize(c);
    await c.deps.db
      .transaction(async (tx) => {
        const [row] = await tx.select().from(evidenceChain).where(eq(evidenceChain.seq, 1)).limit(1);
        await tx.insert(evidenceChain).values({ ...row!, applianceId: "ghost", seq: 1 });
        await tx.insert(evidenceOutbox).values({
          applianceId: "ghost",
          seq: 1,
          objectKey: "site-a/2026/11/ghost-1.json",
          retainUntil: new Date(),
          createdAt: new Date(),
        });
        throw new Error("crash before commit");
      })
      .catch(() => undefined);
    expect((await c.deps.db.select().from(evidenceChain)).length).toBe(before);
    expect(await outboxSize(c)).toBe(outBefore);
  });

  const health = async (c: TestCloud) => {
    const r = await c.request("/health");
    return { status: r.status, body: (await r.json()) as HealthBody };
  };

  test("/health turns not-ok when an object has waited too long for the store, and ok again once written", async () => {
    const c = cloud();
    await ingest(a, 1);
    expect((await health(c)).body).toMatchObject({ ok: true, outbox: { depth: 1, oldestAgeSec: 0 } });
    c.clock.advance((c.deps.config.outboxMaxAgeSec + 1) * 1000);
    const late = await health(c);
    expect(late.status).toBe(503);
    expect(late.body.problems).toEqual([
      `the oldest evidence object has waited ${c.deps.config.outboxMaxAgeSec + 1} s for the store (limit ${c.deps.config.outboxMaxAgeSec} s)`,
    ]);
    await drainOutbox(c.deps);
    expect(await health(c)).toEqual({
      status: 200,
      body: expect.objectContaining({
        ok: true,
        outbox: { depth: 0, oldestAgeSec: 0, failing: 0, alerted: 0 },
      }),
    });
  });

  test("a store that keeps failing: entries back off, one alert each after repeated failures, written once it recovers", async () => {
    const c = cloud();
    await ingest(a, 2);
    const down: ObjectStore = {
      ...c.deps.store,
      put: async () => {
        throw new Error("503 SlowDown");
      },
    };
    for (let attempt = 1; attempt <= ALERT_AFTER_ATTEMPTS; attempt++) {
      const r = await drainOutbox(c.deps, { store: down });
      expect(r).toEqual({
        written: 0,
        alreadyPresent: 0,
        failed: 2,
        alerted: attempt === ALERT_AFTER_ATTEMPTS ? 2 : 0,
      });
      // Not due again before its delay has passed.
      c.clock.advance(backoffMs(attempt, false) - 1);
      expect((await drainOutbox(c.deps, { store: down })).failed).toBe(0);
      c.clock.advance(1);
    }
    const alerts = await objectAlerts(c, "a1");
    expect(alerts).toHaveLength(2);
    expect(alerts[0]!.message).toMatch(
      /^evidence object site-a\/\d{4}\/\d{2}\/a1-\d+\.json could not be written to the dir store after 5 attempt\(s\): 503 SlowDown$/,
    );
    expect((await health(c)).body).toMatchObject({ ok: false, outbox: { depth: 2, failing: 2, alerted: 2 } });
    // Another failure does not alert again.
    await drainOutbox(c.deps, { store: down });
    expect(await objectAlerts(c, "a1")).toHaveLength(2);
    c.clock.advance(MAX_BACKOFF_MS);
    expect(await drainOutbox(c.deps)).toMatchObject({ written: 2, failed: 0 });
    expect((await health(c)).body).toMatchObject({ ok: true, outbox: { depth: 0, alerted: 0 } });
    await assertStoreMatchesChain(c);
  });

  test("600 poisoned entries ahead of good ones: the good ones are written in the same tick, each poisoned one alerted once, /health names the count", async () => {
    const c = cloud();
    // Rows of an appliance id from before ids were safe by construction: the store refuses its keys.
    const now = c.clock.now();
    const [model] = await c.deps.db.select().from(evidenceChain).limit(1);
    const legacy = Array.from({ length: 600 }, (_, i) => ({
      ...model!,
      applianceId: "legacy..app",
      seq: i + 1,
      objectKey: `site-a/2026/11/legacy..app-${i + 1}.json`,
    }));
    await c.deps.db.insert(evidenceChain).values(legacy);
    await c.deps.db.insert(evidenceOutbox).values(
      legacy.map((r) => ({
        applianceId: r.applianceId,
        seq: r.seq,
        objectKey: r.objectKey,
        retainUntil: new Date(now.getTime() + 86_400_000),
        createdAt: now,
      })),
    );
    await ingest(a, 30);
    const job = (deps = c.deps) => evidenceOutboxJob.run(deps, new AbortController().signal);
    await job();
    // Every good object is in the store, exactly as stored in the chain.
    const good = await c.deps.db.select().from(evidenceChain).where(eq(evidenceChain.applianceId, "a1"));
    for (const r of good)
      expect(sha256Hex(evidenceObjectText(r.objectKey, (await c.deps.store.get(r.objectKey))!))).toBe(r.hash);
    const left = await c.deps.db.select().from(evidenceOutbox);
    expect(left).toHaveLength(600);
    expect(
      left.every((r) => r.applianceId === "legacy..app" && r.attempts === 1 && r.alertedAt !== null),
    ).toBe(true);
    const alerts = await objectAlerts(c, "legacy..app");
    expect(alerts).toHaveLength(600);
    expect(alerts[0]!.message).toContain("legacy..app");
    const h = await health(c);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, outbox: { depth: 600, failing: 600, alerted: 600 } });
    expect(h.body.problems?.[0]).toBe(
      "600 evidence object(s) the store keeps refusing (see the sites' evidence alerts)",
    );
    // Parked: the next ticks leave them alone; after the longest delay each is tried once more, not alerted again.
    await job();
    expect((await c.deps.db.select().from(evidenceOutbox)).every((r) => r.attempts === 1)).toBe(true);
    c.clock.advance(MAX_BACKOFF_MS);
    await job();
    expect((await c.deps.db.select().from(evidenceOutbox)).every((r) => r.attempts === 2)).toBe(true);
    expect(await objectAlerts(c, "legacy..app")).toHaveLength(600);
    // New evidence keeps flowing meanwhile.
    await ingest(a, 3);
    await job();
    expect(await c.deps.db.select().from(evidenceOutbox)).toHaveLength(600);
  }, 60_000);
});

describe.skipIf(!motoAvailable())("evidence objects in S3 with Object Lock per tier (moto)", () => {
  let s3: TestS3;
  let c: TestCloud;
  beforeAll(async () => {
    s3 = await startMoto("tiers");
    await ensureBucket(s3.settings);
    c = await makeTestCloud({ store: s3Store(s3.settings), config: {} });
  }, 60_000);
  afterAll(async () => {
    await c?.close();
    await s3?.stop();
  });

  const cases: [Tier, number][] = [
    ["essential", 30],
    ["professional", 90],
    ["enterprise", 730],
  ];
  test.each(cases)("%s: retain-until is receipt + %d days, COMPLIANCE mode", async (tier, days) => {
    await c.createSite(`s-${tier}`, tier);
    const a = await c.createAppliance(`s-${tier}`, `app-${tier}`);
    await ingest(a, 1);
    expect((await drainOutbox(c.deps)).written).toBe(1);
    const [row] = await c.deps.db
      .select()
      .from(evidenceChain)
      .where(eq(evidenceChain.applianceId, `app-${tier}`));
    const head = await s3Client(s3.settings).send(
      new HeadObjectCommand({ Bucket: "tiers", Key: row!.objectKey }),
    );
    expect(head.ObjectLockMode).toBe("COMPLIANCE");
    const expected = row!.receivedAt.getTime() + days * 86_400_000;
    expect(Math.abs(head.ObjectLockRetainUntilDate!.getTime() - expected)).toBeLessThan(2000);
    await assertStoreMatchesChain(c);
  });
});
