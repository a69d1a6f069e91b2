import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { eq, sql } from "drizzle-orm";
import { AGENT_API } from "../../../protocol/api.ts";
import type { Tier } from "../config.ts";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { ensureBucket, s3Client, s3Store } from "../store/s3-store.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { motoAvailable, startMoto, type TestS3 } from "../testing/s3-servers.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "../testing/test-cloud.ts";
import { drainOutbox } from "./outbox.ts";

async function ingest(c: TestCloud, a: TestAppliance, n: number) {
  const r = await c.request(AGENT_API.evidence, {
    method: "POST",
    headers: a.headers,
    body: JSON.stringify({ bundles: a.nextBundles(n) }),
  });
  expect(r.status).toBe(200);
}

const outboxSize = async (c: TestCloud) =>
  Number((await c.deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox))[0]!.n);

/** Every chain row has its object in the store with exactly the same bytes. */
async function assertStoreMatchesChain(c: TestCloud, store: ObjectStore = c.deps.store) {
  const rows = await c.deps.db.select().from(evidenceChain);
  for (const r of rows) {
    const obj = await store.get(r.objectKey);
    expect(obj === null ? null : new TextDecoder().decode(obj)).toBe(r.body);
  }
}

describeEachDb("evidence outbox: store and chain never disagree", (cloud) => {
  let a: TestAppliance;

  test("crash before the object write: the entry stays and the next pass completes it", async () => {
    const c = cloud();
    await c.createSite("site-a");
    a = await c.createAppliance("site-a", "a1");
    await ingest(c, a, 4);
    const down: ObjectStore = {
      ...c.deps.store,
      put: async () => {
        throw new Error("store unreachable");
      },
    };
    const r1 = await drainOutbox(c.deps, 500, down);
    expect(r1).toEqual({ written: 0, alreadyPresent: 0, failed: 4 });
    expect(await outboxSize(c)).toBe(4);
    const [row] = await c.deps.db.select().from(evidenceOutbox).limit(1);
    expect(row).toMatchObject({ attempts: 1, lastError: "store unreachable" });
    const r2 = await drainOutbox(c.deps);
    expect(r2).toEqual({ written: 4, alreadyPresent: 0, failed: 0 });
    expect(await outboxSize(c)).toBe(0);
    await assertStoreMatchesChain(c);
  });

  test("crash after the object write but before the entry is cleared: the retry finds it present", async () => {
    const c = cloud();
    await ingest(c, a, 3);
    let calls = 0;
    const dies: ObjectStore = {
      ...c.deps.store,
      put: async (key, body, opts) => {
        await c.deps.store.put(key, body, opts);
        calls++;
        throw new Error("process killed after PUT");
      },
    };
    await drainOutbox(c.deps, 500, dies);
    expect(calls).toBe(3);
    expect(await outboxSize(c)).toBe(3);
    expect(await drainOutbox(c.deps)).toEqual({ written: 0, alreadyPresent: 3, failed: 0 });
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
    await ingest(c, a, 1);
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
