import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { and, count, eq, sql } from "drizzle-orm";
import { AGENT_API } from "../../../protocol/api.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { createTestDatabase, type TestDatabase } from "../testing/postgres.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "../testing/test-cloud.ts";
import type { RebuildReport } from "./rebuild.ts";
import { rebuildEvidence } from "./rebuild.ts";

// A trailing * also matches the monthly partitions (migration 2600); the high-water marks go with the
// chain rows, and the latest-state rows are derived from them (readers rebuild absent ones).
const EVIDENCE_TABLES = [
  "evidence_chain*",
  "evidence_high_water",
  "evidence_latest",
  "evidence_outbox",
  "evidence_verified*",
  "evidence_alerts",
];

/** pg_dump in custom format, as docs/deploy.md schedules it (optionally without evidence rows). */
function dump(ownerUrl: string, file: string, withoutEvidence = false) {
  const args = [
    "pg_dump",
    "-Fc",
    "-f",
    file,
    ...(withoutEvidence ? EVIDENCE_TABLES.map((t) => `--exclude-table-data=${t}`) : []),
    ownerUrl,
  ];
  const r = Bun.spawnSync(args, { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`pg_dump: ${r.stderr.toString()}`);
}

/** pg_restore into an empty database as its owner. */
function restore(ownerUrl: string, file: string) {
  const r = Bun.spawnSync(["pg_restore", "--no-owner", "--exit-on-error", "-d", ownerUrl, file], {
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`pg_restore: ${r.stderr.toString()}`);
}

const hasPgTools = Bun.spawnSync(["pg_dump", "--version"], { stdout: "ignore" }).exitCode === 0;

describe.skipIf(!POSTGRES_AVAILABLE || !hasPgTools)("disaster recovery on Postgres", () => {
  let one: TestCloud;
  let a: TestAppliance;
  let b: TestAppliance;
  const extra: { close(): Promise<void> }[] = [];
  const dbs: TestDatabase[] = [];
  beforeAll(async () => {
    one = await makeTestCloud({ db: "postgres" });
    await one.createSite("site-dr");
    a = await one.createAppliance("site-dr", "dr-a");
    b = await one.createAppliance("site-dr", "dr-b");
    for (const [app, n] of [
      [a, 40],
      [b, 25],
    ] as const) {
      const r = await app.upload(app.nextBundles(n));
      expect(r.status).toBe(200);
    }
    expect((await drainOutbox(one.deps)).written).toBe(65);
  }, 60_000);
  afterAll(async () => {
    for (const c of extra) await c.close();
    for (const d of dbs) await d.drop();
    await one?.close();
  });

  const chainRows = async (c: TestCloud) =>
    Number(
      (
        await c.deps.db.select({ n: count() }).from(evidenceChain).where(eq(evidenceChain.siteId, "site-dr"))
      )[0]!.n,
    );

  test("rebuild-evidence: an emptied database gets every chain back from the object store, verified", async () => {
    const file = join(one.dataDir, "no-evidence.dump");
    dump(one.ownerDatabaseUrl!, file, true);
    const target = await createTestDatabase();
    dbs.push(target);
    restore(target.ownerUrl, file);
    // The command, as an operator runs it: same settings as the cloud, objects under DATA_DIR.
    const run = Bun.spawnSync(
      [process.execPath, join(import.meta.dir, "..", "main.ts"), "rebuild-evidence"],
      {
        env: {
          ...process.env,
          DATA_DIR: one.dataDir,
          DATABASE_URL: target.url,
          DATABASE_OWNER_URL: target.ownerUrl,
        },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    expect(run.stderr.toString()).not.toContain("malachor cloud rebuild-evidence:");
    const report = JSON.parse(run.stdout.toString()) as RebuildReport;
    expect(run.exitCode).toBe(0);
    expect(report).toMatchObject({ objects: 65, inserted: 65, alreadyPresent: 0, problems: [] });
    expect(report.audits).toEqual([expect.objectContaining({ siteId: "site-dr", ok: true, count: 65 })]);
    const two = await makeTestCloud({ database: target, store: one.deps.store, keys: one.deps.keys });
    extra.push(two);
    expect(await chainRows(two)).toBe(65);
    // Running it again changes nothing; the appliance's head is back, so its next bundle is taken.
    expect(await rebuildEvidence(two.systemCtx())).toMatchObject({
      inserted: 0,
      alreadyPresent: 65,
      problems: [],
    });
    const next = await two.request(AGENT_API.evidence, {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify({ bundles: a.peekBundles(1) }),
    });
    expect(next.status).toBe(200);
  }, 120_000);

  test("rebuild-evidence after a month was dropped past the retention: the floor holds, a forged one is named", async () => {
    // The floor of dr-b at #11, as the owner's partition drop writes it; the store still holds
    // #1–#10 (objects may be locked longer than the database keeps rows).
    const [tenth] = await one.deps.db
      .select({ hash: evidenceChain.hash })
      .from(evidenceChain)
      .where(and(eq(evidenceChain.applianceId, "dr-b"), eq(evidenceChain.seq, 10)));
    const file = join(one.dataDir, "no-evidence-floor.dump");
    dump(one.ownerDatabaseUrl!, file, true);
    const rebuildWithFloor = async (prevHash: string) => {
      const target = await createTestDatabase();
      dbs.push(target);
      restore(target.ownerUrl, file);
      const c = await makeTestCloud({ database: target, store: one.deps.store, keys: one.deps.keys });
      extra.push(c);
      await c.withOwnerDb((db) =>
        db.execute(
          sql`INSERT INTO evidence_retention_floors (appliance_id, first_seq, site_id, prev_hash, dropped_month, dropped_at)
              VALUES ('dr-b', 11, 'site-dr', ${prevHash}, '2016-01-01', now())`,
        ),
      );
      return { c, report: await rebuildEvidence(c.systemCtx()) };
    };

    const { c, report } = await rebuildWithFloor(tenth!.hash);
    expect(report).toMatchObject({
      objects: 65,
      inserted: 55,
      belowFloor: 10,
      alreadyPresent: 0,
      problems: [],
    });
    expect(report.audits).toEqual([
      expect.objectContaining({
        siteId: "site-dr",
        ok: true,
        count: 55,
        floors: [expect.objectContaining({ applianceId: "dr-b", seq: 11 })],
      }),
    ]);
    expect(await chainRows(c)).toBe(55);

    // A floor whose hash #11 does not link to: dr-b's chain is not taken back past it, and says why.
    const forged = await rebuildWithFloor("0".repeat(64));
    expect(forged.report).toMatchObject({ inserted: 40, belowFloor: 10 });
    expect(forged.report.problems).toEqual([
      {
        key: expect.stringContaining("dr-b-11"),
        reason: expect.stringContaining("prevHash does not match bundle #10"),
      },
    ]);
  }, 120_000);

  test("pg_dump / pg_restore: sites, appliances, keys, tokens and evidence come back", async () => {
    const token = await one.adminToken("read-only");
    const file = join(one.dataDir, "full.dump");
    dump(one.ownerDatabaseUrl!, file);
    const target = await createTestDatabase();
    dbs.push(target);
    restore(target.ownerUrl, file);
    const three = await makeTestCloud({ database: target, store: one.deps.store, keys: one.deps.keys });
    extra.push(three);
    expect(await chainRows(three)).toBe(65);
    const v = await three.call("GET", "/api/sites/site-dr/evidence/verify?signatures=all", { bearer: token });
    expect(v.status).toBe(200);
    expect(await v.json()).toMatchObject({ ok: true, count: 65 });
    // The appliance's API key works against the restored database.
    expect((await three.request(AGENT_API.sync, { headers: b.headers })).status).toBe(200);
  }, 120_000);
});
