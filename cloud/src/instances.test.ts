import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AGENT_API } from "../../protocol/api.ts";
import type { EvidenceUploadResult } from "../../protocol/ingest.ts";
import { drainOutbox } from "./evidence/outbox.ts";
import { tryLease } from "./jobs/lease.ts";
import { POSTGRES_AVAILABLE } from "./testing/each-db.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "./testing/test-cloud.ts";

/**
 * Two cloud instances on one Postgres (separate pools and apps, shared key and store), as behind a
 * load balancer: nothing that matters lives in process memory, so they agree.
 */
describe.skipIf(!POSTGRES_AVAILABLE)("two instances on one Postgres", () => {
  let one: TestCloud;
  let two: TestCloud;
  let a: TestAppliance;
  beforeAll(async () => {
    one = await makeTestCloud({ db: "postgres" });
    two = await makeTestCloud({ sameDatabaseAs: one });
    await one.createSite("site-a");
    a = await one.createAppliance("site-a", "a1");
  }, 60_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  const upload = (c: TestCloud, bundles: unknown[]) =>
    c.request(AGENT_API.evidence, { method: "POST", headers: a.headers, body: JSON.stringify({ bundles }) });

  test("overlapping uploads through both instances build one consistent chain", async () => {
    const bundles = a.nextBundles(40);
    // Each instance sends overlapping windows at the same time; every bundle must end up stored once.
    const sends = [];
    for (let i = 0; i < 40; i += 5) {
      sends.push(upload(one, bundles.slice(0, i + 5)), upload(two, bundles.slice(Math.max(0, i - 5), i + 5)));
    }
    const answers = await Promise.all(sends);
    for (const r of answers) {
      // A window that starts past the head at that moment is a gap (409): refused, never stored out of order.
      expect([200, 409]).toContain(r.status);
    }
    const final = (await (await upload(two, bundles)).json()) as EvidenceUploadResult;
    expect(final.headSeq).toBe(40);
    expect(final.results.every((x) => x.status === "already-stored")).toBe(true);
    const admin = await one.adminToken("read-only");
    const v = (await (
      await two.call("GET", "/api/sites/site-a/evidence/verify", { bearer: admin })
    ).json()) as {
      ok: boolean;
      count: number;
    };
    expect(v).toMatchObject({ ok: true, count: 40 });
  });

  test("rate-limit budgets are shared across instances", async () => {
    const policy = { limit: 4, windowSec: 60 };
    one.deps.config.rateLimits.agent = policy;
    two.deps.config.rateLimits.agent = policy;
    const b = await two.createAppliance("site-a", "limited");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const c = i % 2 === 0 ? one : two;
      statuses.push((await c.request(AGENT_API.sync, { headers: b.headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  test("only one instance holds a job lease; both draining the outbox write each object once", async () => {
    const [l1, l2] = await Promise.all([
      tryLease(one.deps.db, one.clock, "evidence-outbox", 5_000, "instance-1"),
      tryLease(two.deps.db, two.clock, "evidence-outbox", 5_000, "instance-2"),
    ]);
    expect([l1, l2].filter(Boolean)).toHaveLength(1);
    // Even without the lease (a lease that expired mid-pass), concurrent drains stay consistent.
    const [d1, d2] = await Promise.all([drainOutbox(one.deps), drainOutbox(two.deps)]);
    expect(d1.failed + d2.failed).toBe(0);
    expect(d1.written + d2.written).toBe(40);
    expect(await drainOutbox(one.deps)).toEqual({ written: 0, alreadyPresent: 0, failed: 0, alerted: 0 });
  });
});
