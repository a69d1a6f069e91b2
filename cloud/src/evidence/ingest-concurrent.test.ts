import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { appliances } from "../db/schema/appliances.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import { verifiedRanges } from "./verified-records.ts";

// Two uploads of one appliance at once, on Postgres (PGlite has one connection, so nothing waits):
// the second waits for the appliance's row lock while the first stores its bundles. Its locking
// statement reads with the snapshot it started with, so it must read again what the first one just
// committed: the head's date (the backdating check) and the latest verified record.

let c: TestCloud | undefined;
beforeAll(async () => {
  if (POSTGRES_AVAILABLE) c = await makeTestCloud({ db: "postgres" });
}, 60_000);
afterAll(async () => {
  await c?.close();
});

/** Until `n` backends of this database wait for a lock (the uploads queued behind the held row lock). */
async function untilWaiting(cloud: TestCloud, n: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = (await cloud.deps.db.execute(
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )) as unknown as { n: number }[];
    if (Number(rows[0]!.n) >= n) return;
    if (Date.now() > deadline) throw new Error(`${n} uploads never waited for the appliance's lock`);
    await Bun.sleep(10);
  }
}

/** Takes an appliance's row lock in a transaction of its own and holds it until `release`. */
async function holdLock(cloud: TestCloud, applianceId: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked!: () => void;
  const taken = new Promise<void>((r) => {
    locked = r;
  });
  const holder = cloud.deps.db.transaction(async (tx) => {
    await tx.select().from(appliances).where(eq(appliances.id, applianceId)).for("update");
    locked();
    await released;
  });
  await Promise.race([taken, holder]);
  return {
    release: async () => {
      release();
      await holder;
    },
  };
}

test.skipIf(!POSTGRES_AVAILABLE)(
  "an upload that waited for a concurrent one still refuses a bundle dated before the head that one stored",
  async () => {
    const cloud = c!;
    await cloud.createSite("site-c");
    const a = await cloud.createAppliance("site-c", "app-c1");
    const ids = { siteId: "site-c", applianceId: "app-c1" };
    let head = { seq: 0, hash: "" };
    const next = (createdAt: string): EvidenceBundle => {
      const b = buildBundle(ids, head, { kind: "event", createdAt }, a.key.secretKey);
      head = { seq: b.seq, hash: bundleHash(b) };
      return b;
    };
    const first = next("2026-06-01T12:00:00.000Z");
    expect((await a.upload([first])).status).toBe(200);
    const second = next("2026-06-02T12:00:00.000Z");
    // Years before #2: refused however the uploads interleave.
    const backdated = next("2020-01-01T00:00:00.000Z");

    // Hold the appliance's row lock, as an upload in progress does.
    const lock = await holdLock(cloud, "app-c1");
    const storing = a.upload([second]);
    await untilWaiting(cloud, 1);
    const late = a.upload([backdated]);
    await untilWaiting(cloud, 2);
    await lock.release();
    const [r1, r2] = await Promise.all([storing, late]);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(422);
    const body = (await r2.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("backdated");
    expect(body.error.message).toMatch(/before that of bundle #2/);
    const stored = await cloud.deps.db
      .select({ seq: evidenceChain.seq })
      .from(evidenceChain)
      .where(eq(evidenceChain.applianceId, "app-c1"));
    expect(stored.map((x) => Number(x.seq)).sort()).toEqual([1, 2]);
  },
);

test.skipIf(!POSTGRES_AVAILABLE)(
  "an upload that waited for a concurrent one continues the verified record that one committed",
  async () => {
    const cloud = c!;
    const a = await cloud.createAppliance("site-c", "app-c2");
    expect((await a.upload(a.nextBundles(2))).status).toBe(200);
    const [b1, b2] = [a.nextBundles(3), a.nextBundles(4)];
    // Hold the appliance's row lock, as an upload in progress does.
    const lock = await holdLock(cloud, "app-c2");
    const one = a.upload(b1);
    await untilWaiting(cloud, 1);
    const two = a.upload(b2);
    await untilWaiting(cloud, 2);
    await lock.release();
    expect((await one).status).toBe(200);
    expect((await two).status).toBe(200);
    // One record vouches for #1–#9 (one that missed #3–#5's would start at #6).
    const range = (await verifiedRanges(cloud.deps.db, "site-c", cloud.deps.keys))["app-c2"];
    expect(range).toMatchObject({ fromSeq: 1, throughSeq: 9 });
  },
);
