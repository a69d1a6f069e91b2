import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { AlertRouting } from "../alerts/dispatch.ts";
import { type Db, type DbHandle, openDb } from "../db/client.ts";
import { pgErrorOf } from "../db/errors.ts";
import { MIGRATIONS_DIR, migrate } from "../db/migrate.ts";
import { rowsOf } from "../db/rows.ts";
import { cloudJobs } from "../main.ts";
import { loadSettings } from "../settings.ts";
import { describeEachDb, POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { createTestDatabase, type TestDatabase } from "../testing/postgres.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import type { Mailer } from "../web/mail/mailer.ts";
import { aheadOf, ensureEvidencePartitions, evidencePartitionsJob } from "./partitions.ts";

/** Insert one chain row received at `receivedAt` (straight in, as someone with the insert right could). */
async function insertRow(db: Db, applianceId: string, seq: number, receivedAt: string): Promise<void> {
  await db.execute(
    sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, size)
        VALUES (${applianceId}, ${seq}, 'site-p', ${`h${seq}`}, 'p', 'k', 'event', ${receivedAt}::timestamptz, ${receivedAt}::timestamptz, ${`o/${applianceId}/${seq}`}, 2)`,
  );
}

/** Insert one cloud record of verified signatures through `throughSeq`, made at `verifiedAt`. */
async function insertVerified(
  db: Db,
  applianceId: string,
  throughSeq: number,
  verifiedAt: string,
): Promise<void> {
  await db.execute(
    sql`INSERT INTO evidence_verified (appliance_id, through_seq, site_id, from_seq, through_hash, verified_at, key_id, sig)
        VALUES (${applianceId}, ${throughSeq}, 'site-p', 1, 'h', ${verifiedAt}::timestamptz, 'k', 's')`,
  );
}

/** The partition each of `applianceId`'s rows sits in, by seq. */
async function whereRows(db: Db, applianceId: string): Promise<Record<number, string>> {
  const rows = rowsOf<{ seq: number | string; part: string }>(
    await db.execute(
      sql`SELECT seq, tableoid::regclass::text AS part FROM evidence_chain WHERE appliance_id = ${applianceId} ORDER BY seq`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [Number(r.seq), r.part]));
}

/** The error a statement fails with (its SQLSTATE and message), or "ok". */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (e) {
    const p = pgErrorOf(e);
    return `${p.code} ${p.message}`;
  }
}

/** An appliance's retention floors: [appliance, first seq, site, prev hash, month dropped]. */
async function floorsOf(db: Db, applianceId: string): Promise<unknown[][]> {
  return rowsOf<{ a: string; s: number | string; site: string; h: string; m: string }>(
    await db.execute(
      sql`SELECT appliance_id AS a, first_seq AS s, site_id AS site, prev_hash AS h, to_char(dropped_month, 'YYYY-MM-DD') AS m
          FROM evidence_retention_floors WHERE appliance_id = ${applianceId} ORDER BY first_seq`,
    ),
  ).map((r) => [r.a, Number(r.s), r.site, r.h, r.m]);
}

/** Partitions of evidence_chain, by name. */
async function partitions(db: Db): Promise<string[]> {
  return rowsOf<{ name: string }>(
    await db.execute(sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                         WHERE i.inhparent = 'evidence_chain'::regclass ORDER BY 1`),
  ).map((r) => r.name);
}

test("the cloud runs the partition job hourly", () => {
  // cloudJobs only builds the job list; neither the routing nor the mailer is used until a job runs.
  const jobs = cloudJobs(loadSettings({}), {} as AlertRouting, {} as Mailer);
  expect(jobs.map((j) => [j.name, j.everyMs])).toContainEqual(["evidence-partitions", 3_600_000]);
});

describeEachDb("monthly evidence partitions", (cloud) => {
  test("the migrated database has this month, the next two and a DEFAULT partition", async () => {
    const db = cloud().deps.db;
    const names = await partitions(db);
    const now = new Date();
    for (let i = 0; i <= 2; i++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      expect(names).toContain(
        `evidence_chain_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, "0")}`,
      );
    }
    expect(names).toContain("evidence_chain_default");
  });

  test("ensure creates each missing month once, and rows land in their month (UTC bounds)", async () => {
    const db = cloud().deps.db;
    const r = await ensureEvidencePartitions(
      db,
      new Date("2021-01-15T00:00:00Z"),
      new Date("2021-03-01T00:00:00Z"),
    );
    expect(r).toEqual({
      created: [
        "evidence_chain_y2021m01",
        "evidence_verified_y2021m01",
        "evidence_chain_y2021m02",
        "evidence_verified_y2021m02",
        "evidence_chain_y2021m03",
        "evidence_verified_y2021m03",
      ],
      blocked: [],
    });
    expect(
      await ensureEvidencePartitions(db, new Date("2021-01-01T00:00:00Z"), new Date("2021-03-31T00:00:00Z")),
    ).toEqual({
      created: [],
      blocked: [],
    });
    await insertRow(db, "app-months", 1, "2021-01-31T23:59:59.999Z");
    await insertRow(db, "app-months", 2, "2021-02-01T00:00:00Z");
    // February 28 in New York, March 1 in UTC: months are UTC months.
    await insertRow(db, "app-months", 3, "2021-02-28T23:30:00-05:00");
    expect(await whereRows(db, "app-months")).toEqual({
      1: "evidence_chain_y2021m01",
      2: "evidence_chain_y2021m02",
      3: "evidence_chain_y2021m03",
    });
  });

  test("a row no month covers goes to the DEFAULT partition, whose month is then reported blocked", async () => {
    const db = cloud().deps.db;
    await insertRow(db, "app-default", 1, "1999-06-10T12:00:00Z");
    expect(await whereRows(db, "app-default")).toEqual({ 1: "evidence_chain_default" });
    expect(
      await ensureEvidencePartitions(db, new Date("1999-05-20T00:00:00Z"), new Date("1999-07-02T00:00:00Z")),
    ).toEqual({
      created: [
        "evidence_chain_y1999m05",
        "evidence_verified_y1999m05",
        "evidence_verified_y1999m06",
        "evidence_chain_y1999m07",
        "evidence_verified_y1999m07",
      ],
      blocked: ["evidence_chain_y1999m06"],
    });
    // Still append-only where it is, even to the owner.
    const update = sql`UPDATE evidence_chain SET kind = 'x' WHERE appliance_id = 'app-default'`;
    expect(await cloud().withOwnerDb((owner) => outcome(() => owner.execute(update)))).toBe(
      "42501 evidence_chain_default is append-only: UPDATE refused",
    );
  });

  test("the job keeps MONTHS_AHEAD months ahead and alerts on a blocked month", async () => {
    const c = cloud();
    const ahead = aheadOf(new Date("2026-11-20T10:00:00Z"));
    expect(ahead.toISOString()).toBe("2027-01-31T23:59:59.999Z");
    // A month far ahead whose row arrived before its partition: the job cannot create it.
    c.clock.set(new Date("2040-01-10T00:00:00Z"));
    await insertRow(c.deps.db, "app-late", 1, "2040-02-03T00:00:00Z");
    await evidencePartitionsJob.run(c.deps, new AbortController().signal);
    const names = await partitions(c.deps.db);
    expect(names).toEqual(expect.arrayContaining(["evidence_chain_y2040m01", "evidence_chain_y2040m03"]));
    expect(names).not.toContain("evidence_chain_y2040m02");
    const alerts = rowsOf<{ kind: string; summary: string }>(
      await c.deps.db.execute(
        sql`SELECT kind, summary FROM alerts WHERE dedup_key = 'evidence-partition-blocked:evidence_chain_y2040m02'`,
      ),
    );
    expect(alerts).toEqual([
      {
        kind: "evidence-partition-blocked",
        summary:
          "evidence partition evidence_chain_y2040m02 cannot be created: evidence_chain_default already holds rows of that month (see docs/deploy.md §6)",
      },
    ]);
  });

  test("(appliance, seq) is stored once across months, and only above the appliance's highest seq", async () => {
    const db = cloud().deps.db;
    await ensureEvidencePartitions(db, new Date("2022-01-01T00:00:00Z"), new Date("2022-02-28T00:00:00Z"));
    await insertRow(db, "app-dup", 1, "2022-01-10T00:00:00Z");
    await insertRow(db, "app-dup", 2, "2022-01-11T00:00:00Z");
    const again = await outcome(() => insertRow(db, "app-dup", 1, "2022-02-10T00:00:00Z"));
    expect(again).toBe(
      "23505 evidence_chain: appliance app-dup already holds up to #2, so #1 cannot be stored (each number once, in order)",
    );
    // Twice in one statement is refused too.
    expect(
      await outcome(() =>
        db.execute(sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key)
          VALUES ('app-dup', 3, 's', 'h', 'p', 'k', 'event', now(), '2022-02-01', 'o'), ('app-dup', 3, 's', 'h', 'p', 'k', 'event', now(), '2022-02-02', 'o')`),
      ),
    ).toMatch(/^23505 evidence_chain: appliance app-dup already holds up to #3, so #3 cannot be stored/);
    // A gap is the audit's to report (it is not a duplicate); another appliance is independent.
    await insertRow(db, "app-dup", 5, "2022-02-11T00:00:00Z");
    await insertRow(db, "app-dup-2", 1, "2022-02-11T00:00:00Z");
    expect(await whereRows(db, "app-dup")).toEqual({
      1: "evidence_chain_y2022m01",
      2: "evidence_chain_y2022m01",
      5: "evidence_chain_y2022m02",
    });
    // The cloud's records of verified signatures: through_seq likewise, kept apart from the chain's.
    await insertVerified(db, "app-dup", 2, "2022-01-11T00:00:00Z");
    expect(await outcome(() => insertVerified(db, "app-dup", 2, "2022-02-11T00:00:00Z"))).toBe(
      "23505 evidence_verified: appliance app-dup already holds up to #2, so #2 cannot be stored (each number once, in order)",
    );
    await insertVerified(db, "app-dup", 5, "2022-02-11T00:00:00Z");
    const marks = rowsOf<{ table_name: string; seq: number | string }>(
      await db.execute(
        sql`SELECT table_name, seq FROM evidence_high_water WHERE appliance_id = 'app-dup' ORDER BY 1`,
      ),
    );
    expect(marks.map((m) => [m.table_name, Number(m.seq)])).toEqual([
      ["evidence_chain", 5],
      ["evidence_verified", 5],
    ]);
    // The mark only moves up.
    expect(
      await outcome(() =>
        db.execute(sql`UPDATE evidence_high_water SET seq = 0 WHERE appliance_id = 'app-dup'`),
      ),
    ).toMatch(/^42501 evidence_high_water only moves up: UPDATE refused/);
    expect(await outcome(() => db.execute(sql`DELETE FROM evidence_high_water`))).toMatch(
      /^42501 .*DELETE refused/,
    );
  });

  test("one statement of many rows, several appliances: each row above the mark the rows before it left", async () => {
    const db = cloud().deps.db;
    const rows = (list: [string, number][]) =>
      sql.join(
        // Each row its own instant: the same (appliance, seq, received_at) twice meets the primary key first.
        list.map(
          ([app, seq], i) =>
            sql`(${app}, ${seq}, 'site-p', 'h', 'p', 'k', 'event', now(), ${new Date(Date.UTC(2022, 2, 1, 0, 0, i)).toISOString()}::timestamptz, 'o')`,
        ),
        sql`, `,
      );
    const insert = (list: [string, number][]) =>
      db.execute(sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key)
        VALUES ${rows(list)}`);
    const marks = async () =>
      rowsOf<{ appliance_id: string; seq: number | string }>(
        await db.execute(
          sql`SELECT appliance_id, seq FROM evidence_high_water
              WHERE appliance_id LIKE 'app-multi-%' AND table_name = 'evidence_chain' ORDER BY 1`,
        ),
      ).map((m) => [m.appliance_id, Number(m.seq)]);
    await insert([
      ["app-multi-a", 1],
      ["app-multi-b", 1],
      ["app-multi-a", 2],
      ["app-multi-b", 3],
    ]);
    expect(await marks()).toEqual([
      ["app-multi-a", 2],
      ["app-multi-b", 3],
    ]);
    // Descending within the statement, and back below the mark after another appliance's rows.
    expect(
      await outcome(() =>
        insert([
          ["app-multi-a", 4],
          ["app-multi-a", 3],
        ]),
      ),
    ).toBe(
      "23505 evidence_chain: appliance app-multi-a already holds up to #4, so #3 cannot be stored (each number once, in order)",
    );
    expect(
      await outcome(() =>
        insert([
          ["app-multi-b", 4],
          ["app-multi-a", 3],
          ["app-multi-b", 4],
        ]),
      ),
    ).toBe(
      "23505 evidence_chain: appliance app-multi-b already holds up to #4, so #4 cannot be stored (each number once, in order)",
    );
    // A refused statement stores nothing and leaves the marks where they were.
    expect(await marks()).toEqual([
      ["app-multi-a", 2],
      ["app-multi-b", 3],
    ]);
    expect(Object.keys(await whereRows(db, "app-multi-a"))).toEqual(["1", "2"]);
  });

  test("every partition refuses UPDATE, DELETE and TRUNCATE, even addressed directly", async () => {
    const c = cloud();
    await ensureEvidencePartitions(
      c.deps.db,
      new Date("2023-04-01T00:00:00Z"),
      new Date("2023-04-01T00:00:00Z"),
    );
    await insertRow(c.deps.db, "app-worm", 1, "2023-04-05T00:00:00Z");
    await insertRow(c.deps.db, "app-worm", 2, "1998-01-01T00:00:00Z");
    const tables = ["evidence_chain_y2023m04", "evidence_chain_default", "evidence_chain"];
    const got = await c.withOwnerDb(async (db) => {
      const out: string[] = [];
      for (const t of tables) {
        for (const op of ["UPDATE", "DELETE", "TRUNCATE"]) {
          const stmt = {
            UPDATE: `UPDATE ${t} SET kind = 'x'`,
            DELETE: `DELETE FROM ${t}`,
            TRUNCATE: `TRUNCATE ${t}`,
          }[op]!;
          // Through the parent, the first row met is in whichever partition the scan starts with.
          const got = await outcome(() => db.execute(sql.raw(stmt)));
          out.push(
            t === "evidence_chain"
              ? got.replace(/^(42501 evidence_chain)_y\d{4}m\d{2} /, "$1_<month> ")
              : got,
          );
        }
      }
      return out;
    });
    expect(got).toEqual([
      "42501 evidence_chain_y2023m04 is append-only: UPDATE refused",
      "42501 evidence_chain_y2023m04 is append-only: DELETE refused",
      "42501 evidence_chain_y2023m04 is append-only: TRUNCATE refused",
      "42501 evidence_chain_default is append-only: UPDATE refused",
      "42501 evidence_chain_default is append-only: DELETE refused",
      "42501 evidence_chain_default is append-only: TRUNCATE refused",
      "42501 evidence_chain_<month> is append-only: UPDATE refused",
      "42501 evidence_chain_<month> is append-only: DELETE refused",
      "42501 evidence_chain is append-only: TRUNCATE refused",
    ]);
  });

  test("the retention function drops only a whole month past the retention, once the outbox is done", async () => {
    const c = cloud();
    await ensureEvidencePartitions(
      c.deps.db,
      new Date("2020-01-01T00:00:00Z"),
      new Date("2020-02-01T00:00:00Z"),
    );
    await insertRow(c.deps.db, "app-old", 1, "2020-01-03T00:00:00Z");
    await insertRow(c.deps.db, "app-old", 2, "2020-02-03T00:00:00Z");
    await insertVerified(c.deps.db, "app-old", 1, "2020-01-03T00:00:00Z");
    await c.deps.db.execute(
      sql`INSERT INTO evidence_outbox (appliance_id, seq, object_key, body, retain_until, created_at)
          VALUES ('app-old', 1, 'o/app-old/1', '{}', now(), now())`,
    );
    const dropOf = (month: string, keep: string) =>
      c.withOwnerDb(async (db) =>
        rowsOf<{ month_table: string; dropped: number | string }>(
          await db.execute(
            sql`SELECT month_table, dropped FROM malachor_evidence_partition_drop(${month}::date, ${keep}::interval)`,
          ),
        ).map((r) => [r.month_table, Number(r.dropped)]),
      );
    const drop = (month: string, keep: string) => outcome(() => dropOf(month, keep));
    expect(await drop("2020-01-01", "100 years")).toMatch(
      /^55006 evidence partitions: evidence_chain_y2020m01 holds evidence received until 2020-02-01 .*, within the retention of 100 years/,
    );
    expect(await drop("2020-01-15", "1 day")).toBe(
      "22023 evidence partitions: 2020-01-15 is not the first day of a month",
    );
    expect(await drop("2020-01-01", "00:10:00")).toMatch(
      /^22023 evidence partitions: a retention of 00:10:00 is too short/,
    );
    expect(await drop("2019-01-01", "1 day")).toBe(
      "42P01 evidence partitions: evidence_chain_y2019m01 is not a partition of evidence_chain",
    );
    expect(await drop("2020-01-01", "1 day")).toBe(
      "55006 evidence partitions: 1 objects of evidence_chain_y2020m01 are not in the object store yet (evidence_outbox)",
    );
    await c.deps.db.execute(sql`DELETE FROM evidence_outbox WHERE appliance_id = 'app-old'`);
    expect(await dropOf("2020-01-01", "1 day")).toEqual([
      ["evidence_chain_y2020m01", 1],
      ["evidence_verified_y2020m01", 1],
    ]);
    expect(await whereRows(c.deps.db, "app-old")).toEqual({ 2: "evidence_chain_y2020m02" });
    expect(await partitions(c.deps.db)).not.toContain("evidence_chain_y2020m01");
    // The dropped seq cannot come back.
    expect(await outcome(() => insertRow(c.deps.db, "app-old", 1, "2020-02-04T00:00:00Z"))).toMatch(
      /^23505 /,
    );
    // The drop left a floor: app-old's chain starts at #2, linking to the stored hash of #1.
    expect(await floorsOf(c.deps.db, "app-old")).toEqual([["app-old", 2, "site-p", "h1", "2020-01-01"]]);
  });

  test("the drop writes a floor for every appliance the month held, above its highest dropped seq", async () => {
    const c = cloud();
    await ensureEvidencePartitions(
      c.deps.db,
      new Date("2017-01-01T00:00:00Z"),
      new Date("2017-03-01T00:00:00Z"),
    );
    for (const [app, seq, at] of [
      ["app-f1", 1, "2017-01-03T00:00:00Z"],
      ["app-f1", 2, "2017-01-20T00:00:00Z"],
      ["app-f1", 3, "2017-02-02T00:00:00Z"],
      ["app-f1", 4, "2017-03-02T00:00:00Z"],
      // All of app-f2's chain is in January: its floor still says where the next bundle must link.
      ["app-f2", 1, "2017-01-04T00:00:00Z"],
    ] as const)
      await insertRow(c.deps.db, app, seq, at);
    const drop = (month: string) =>
      outcome(() =>
        c.withOwnerDb((db) =>
          db.execute(sql`SELECT * FROM malachor_evidence_partition_drop(${month}::date, '1 day'::interval)`),
        ),
      );
    // February first would strand January's #1 and #2 below a floor at #4.
    expect(await drop("2017-02-01")).toBe(
      "55006 evidence partitions: evidence_chain_y2017m02 holds bundles of app-f1 up to #3, but #1 is kept in evidence_chain_y2017m01: drop the older month first",
    );
    expect(await floorsOf(c.deps.db, "app-f1")).toEqual([]);
    expect(await drop("2017-01-01")).toBe("ok");
    expect(await drop("2017-02-01")).toBe("ok");
    expect(await floorsOf(c.deps.db, "app-f1")).toEqual([
      ["app-f1", 3, "site-p", "h2", "2017-01-01"],
      ["app-f1", 4, "site-p", "h3", "2017-02-01"],
    ]);
    expect(await floorsOf(c.deps.db, "app-f2")).toEqual([["app-f2", 2, "site-p", "h1", "2017-01-01"]]);
    // Floors are append-only and only move up, even for the owner.
    const asOwner = (stmt: string) => c.withOwnerDb((db) => outcome(() => db.execute(sql.raw(stmt))));
    expect(
      await asOwner("UPDATE evidence_retention_floors SET first_seq = 1 WHERE appliance_id = 'app-f1'"),
    ).toBe("42501 evidence_retention_floors is append-only: UPDATE refused");
    expect(await asOwner("DELETE FROM evidence_retention_floors WHERE appliance_id = 'app-f1'")).toBe(
      "42501 evidence_retention_floors is append-only: DELETE refused",
    );
    expect(
      await asOwner(
        "INSERT INTO evidence_retention_floors (appliance_id, first_seq, site_id, prev_hash, dropped_month, dropped_at) VALUES ('app-f1', 3, 'site-p', 'h', '2017-03-01', now())",
      ),
    ).toBe(
      "23514 evidence_retention_floors: the floor of app-f1 is at #4, so #3 cannot be one (a floor only moves up, above #1)",
    );
  });
});

describe.skipIf(!POSTGRES_AVAILABLE)("monthly evidence partitions: the service role [postgres]", () => {
  let c: TestCloud;
  beforeAll(async () => {
    c = await makeTestCloud({ db: "postgres" });
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  test("may create partitions (owned by the owner) but not drop, detach or attach one", async () => {
    const db = c.deps.db;
    expect(
      (await ensureEvidencePartitions(db, new Date("2019-03-01T00:00:00Z"), new Date("2019-03-01T00:00:00Z")))
        .created,
    ).toEqual(["evidence_chain_y2019m03", "evidence_verified_y2019m03"]);
    const [owner] = rowsOf<{ owner: string }>(
      await db.execute(
        sql`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'evidence_chain_y2019m03'`,
      ),
    );
    expect(owner?.owner).toBe("malachor_owner");
    const refused = [
      "SELECT malachor_evidence_partition_drop('2019-03-01', '1 day')",
      "ALTER TABLE evidence_chain DETACH PARTITION evidence_chain_y2019m03",
      "ALTER TABLE evidence_verified DETACH PARTITION evidence_verified_y2019m03",
      "DROP TABLE evidence_chain_y2019m03",
      "CREATE TABLE evidence_chain_sneak PARTITION OF evidence_chain FOR VALUES FROM ('2018-01-01') TO ('2018-02-01')",
      "ALTER TABLE evidence_chain_y2019m03 DISABLE TRIGGER ALL",
      "ALTER TABLE evidence_high_water DISABLE TRIGGER ALL",
      "TRUNCATE evidence_high_water",
    ];
    const got: string[] = [];
    for (const stmt of refused)
      got.push(`${stmt} → ${(await outcome(() => db.execute(sql.raw(stmt)))).slice(0, 5)}`);
    expect(got).toEqual(refused.map((s) => `${s} → 42501`));
    expect(await partitions(db)).toContain("evidence_chain_y2019m03");
  });
});

/** A database migrated up to (not including) 2600, then filled with rows, then migrated the rest of the way. */
describe("migration 2600 on a database that already holds evidence", () => {
  const upTo2500 = mkdtempSync(join(tmpdir(), "malachor-mig-"));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith(".sql") && n < "2600")) {
    cpSync(join(MIGRATIONS_DIR, f), join(upTo2500, f));
  }
  const kinds = POSTGRES_AVAILABLE ? (["pglite", "postgres"] as const) : (["pglite"] as const);
  for (const kind of kinds) {
    test(`keeps every row, each in its month, and its guards [${kind}]`, async () => {
      let pg: TestDatabase | null = null;
      let h: DbHandle;
      if (kind === "postgres") {
        pg = await createTestDatabase();
        h = await openDb({ url: pg.ownerUrl, maxConnections: 2 });
      } else {
        h = await openDb({ memory: true });
      }
      try {
        const db = h.db;
        await migrate(db, { dir: upTo2500 });
        // Rows with bodies (stored before 2400's change) and without, over three months.
        const rows = [
          ["app-a", 1, "2025-10-02T00:00:00Z", '{"legacy":true}'],
          ["app-a", 2, "2025-11-02T00:00:00Z", null],
          ["app-a", 3, "2025-12-31T23:00:00Z", null],
          ["app-b", 1, "2025-11-15T00:00:00Z", null],
        ] as const;
        for (const [a, seq, at, body] of rows) {
          await db.execute(
            sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body, size)
                VALUES (${a}, ${seq}, 'site-m', ${`h${seq}`}, 'p', 'k', 'event', ${at}::timestamptz, ${at}::timestamptz, ${`o/${a}/${seq}`}, ${body}, 15)`,
          );
        }
        // Records of verified signatures.
        await insertVerified(db, "app-a", 2, "2025-11-02T00:00:00Z");
        await insertVerified(db, "app-a", 3, "2025-12-31T23:00:00Z");
        expect((await migrate(db))[0]).toBe("2600_evidence_partitions.sql");
        const verified = rowsOf<{ through_seq: number | string; part: string }>(
          await db.execute(
            sql`SELECT through_seq, tableoid::regclass::text AS part FROM evidence_verified ORDER BY through_seq`,
          ),
        );
        expect(verified.map((r) => [Number(r.through_seq), r.part])).toEqual([
          [2, "evidence_verified_y2025m11"],
          [3, "evidence_verified_y2025m12"],
        ]);
        expect(await outcome(() => insertVerified(db, "app-a", 3, new Date().toISOString()))).toMatch(
          /^23505 evidence_verified: .*up to #3/,
        );
        expect(await whereRows(db, "app-a")).toEqual({
          1: "evidence_chain_y2025m10",
          2: "evidence_chain_y2025m11",
          3: "evidence_chain_y2025m12",
        });
        const [kept] = rowsOf<{ body: string | null; n: number | string }>(
          await db.execute(
            sql`SELECT (SELECT body FROM evidence_chain WHERE appliance_id = 'app-a' AND seq = 1) AS body, count(*) AS n FROM evidence_chain`,
          ),
        );
        expect({ body: kept?.body, n: Number(kept?.n) }).toEqual({ body: '{"legacy":true}', n: 4 });
        // The marks start at each appliance's head, and the old table is gone.
        expect(await outcome(() => insertRow(db, "app-a", 3, "2026-01-01T00:00:00Z"))).toMatch(
          /^23505 .*up to #3/,
        );
        expect(await outcome(() => insertRow(db, "app-b", 2, new Date().toISOString()))).toBe("ok");
        expect(await outcome(() => db.execute(sql`DELETE FROM evidence_chain WHERE seq = 1`))).toMatch(
          /^42501 /,
        );
        const [gone] = rowsOf<{ t: string | null }>(
          await db.execute(sql`SELECT to_regclass('evidence_chain_unpartitioned')::text AS t`),
        );
        expect(gone?.t).toBeNull();
      } finally {
        await h.close();
        await pg?.drop();
      }
    }, 60_000);
  }
});
