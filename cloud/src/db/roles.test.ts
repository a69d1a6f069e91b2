import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { sql } from "drizzle-orm";
import { describeEachDb, POSTGRES_AVAILABLE } from "../testing/each-db.ts";
import { POSTGRES_ADMIN_URL } from "../testing/postgres.ts";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import type { Db } from "./client.ts";
import { pgErrorOf } from "./errors.ts";
import { openCloudDb } from "./prepare.ts";
import { appendOnlyTables, DEFAULT_OWNER_ROLE, DEFAULT_SERVICE_ROLE, serviceRoleProblems } from "./roles.ts";
import { rowsOf } from "./rows.ts";
import { setupRoles } from "./setup-roles.ts";

/** The evidence and audit tables: each must be append-only (a table added later joins by its trigger). */
const EVIDENCE_AND_AUDIT = ["audit_log", "evidence_alerts", "evidence_chain", "program_chain"];

describeEachDb("append-only tables", (cloud) => {
  test("every evidence and audit table carries row triggers for UPDATE and DELETE and a statement trigger for TRUNCATE", async () => {
    const db = cloud().deps.db;
    const tables = await appendOnlyTables(db);
    expect(tables).toEqual(expect.arrayContaining(EVIDENCE_AND_AUDIT));
    // Every partition carries them too (row triggers cloned, its own TRUNCATE trigger).
    expect(tables).toEqual(expect.arrayContaining(["evidence_chain_default", "evidence_verified_default"]));
    expect(
      tables.filter((t) => /^evidence_(chain|verified)_y\d{4}m\d{2}$/.test(t)).length,
    ).toBeGreaterThanOrEqual(6);
    for (const table of tables) {
      // tgtype bits (pg_trigger.h): 1 row, 2 before, 8 delete, 16 update, 32 truncate.
      const kinds = rowsOf<{ tgtype: number }>(
        await db.execute(sql`
          SELECT t.tgtype FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
          WHERE t.tgrelid = ${table}::regclass AND p.proname = 'malachor_refuse_change' AND t.tgenabled <> 'D'`),
      ).map((r) => Number(r.tgtype));
      const has = (bits: number, row: boolean) =>
        kinds.some((k) => (k & bits) === bits && (k & 2) === 2 && Boolean(k & 1) === row);
      expect({ table, update: has(16, true), delete: has(8, true), truncate: has(32, false) }).toEqual({
        table,
        update: true,
        delete: true,
        truncate: true,
      });
    }
  });
});

describe.skipIf(!POSTGRES_AVAILABLE)("the service's Postgres role (restricted)", () => {
  let c: TestCloud;
  let tables: string[];
  /** A text column of each append-only table, for the UPDATE attempt (any column will do). */
  const textColumn = new Map<string, string>();
  /** A refuse-change trigger of each (a partition's are cloned from its parent's, named as those). */
  const refuseTrigger = new Map<string, string>();
  beforeAll(async () => {
    c = await makeTestCloud({ db: "postgres" });
    tables = await appendOnlyTables(c.deps.db);
    for (const r of rowsOf<{ t: string; col: string }>(
      await c.deps.db.execute(
        sql`SELECT DISTINCT ON (table_name) table_name AS t, column_name AS col FROM information_schema.columns
            WHERE table_schema = current_schema() AND data_type = 'text' ORDER BY table_name, ordinal_position`,
      ),
    )) {
      textColumn.set(r.t, r.col);
    }
    for (const r of rowsOf<{ t: string; name: string }>(
      await c.deps.db.execute(
        sql`SELECT DISTINCT ON (t.tgrelid) t.tgrelid::regclass::text AS t, t.tgname AS name FROM pg_trigger t
            JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'malachor_refuse_change' ORDER BY t.tgrelid, t.tgname`,
      ),
    )) {
      refuseTrigger.set(r.t, r.name);
    }
    const now = new Date().toISOString();
    // One row in each, written by the service itself: inserting is what it may do.
    await c.deps.db.execute(
      sql`INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body)
          VALUES ('worm-app', 1, 's', 'h', 'p', 'k', 'event', ${now}, ${now}, 'o', '{}')`,
    );
    await c.deps.db.execute(
      sql`INSERT INTO audit_log (at, actor, action, target, args_hash, outcome) VALUES (${now}, 'a', 'x', 't', 'h', 'ok')`,
    );
    await c.deps.db.execute(
      sql`INSERT INTO evidence_alerts (site_id, appliance_id, kind, message, detail, created_at) VALUES ('s', 'a', 'gap', 'm', '{}', ${now})`,
    );
    await c.deps.db.execute(
      sql`INSERT INTO program_chain (site_id, seq, hash, prev_hash, key_id, record_type, created_at, body)
          VALUES ('s', 1, 'h', 'p', 'k', 'sra', ${now}, '{}')`,
    );
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  /** What the service's own connection must not be able to do to `t`. */
  const attacks = (t: string) => [
    `UPDATE ${t} SET ${textColumn.get(t)} = 'x'`,
    `DELETE FROM ${t}`,
    `TRUNCATE ${t}`,
    `ALTER TABLE ${t} DISABLE TRIGGER ALL`,
    `ALTER TABLE ${t} DISABLE TRIGGER USER`,
    `DROP TRIGGER ${refuseTrigger.get(t)} ON ${t}`,
    `CREATE TRIGGER sneak BEFORE INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change()`,
    `ALTER TABLE ${t} RENAME TO ${t}_old`,
    `DROP TABLE ${t}`,
    `LOCK TABLE ${t} IN ACCESS EXCLUSIVE MODE`,
  ];
  const global = [
    "SET session_replication_role = replica",
    `SET ROLE ${DEFAULT_OWNER_ROLE}`,
    "CREATE OR REPLACE FUNCTION malachor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "DROP FUNCTION malachor_refuse_change() CASCADE",
    "CREATE TABLE sneak (x int)",
    `GRANT ${DEFAULT_OWNER_ROLE} TO ${DEFAULT_SERVICE_ROLE}`,
    `ALTER ROLE ${DEFAULT_SERVICE_ROLE} SUPERUSER`,
    // Monthly evidence partitions (migration 2600): only the owner detaches or drops one.
    "ALTER TABLE evidence_chain DETACH PARTITION evidence_chain_default",
    "DROP TABLE evidence_chain_default",
    "SELECT malachor_evidence_partition_drop(date_trunc('month', now())::date, '1 day')",
    "ALTER TABLE evidence_verified DETACH PARTITION evidence_verified_default",
    "ALTER TABLE evidence_high_water DISABLE TRIGGER ALL",
    "DROP TRIGGER evidence_chain_seq_unique ON evidence_chain",
    // A partition by name would skip the chain's per-statement high-water check (migration 2800).
    "INSERT INTO evidence_chain_default (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key) VALUES ('worm-app', 1, 's', 'h', 'p', 'k', 'event', now(), now(), 'o')",
    // Retention floors (migration 2700): written by the owner's drop alone.
    "INSERT INTO evidence_retention_floors (appliance_id, first_seq, site_id, prev_hash, dropped_month, dropped_at) VALUES ('worm-app', 99, 's', 'h', '2020-01-01', now())",
    "ALTER TABLE evidence_retention_floors DISABLE TRIGGER evidence_retention_floors_up_only",
  ];

  test("connects as the service role, which no check finds too powerful", async () => {
    const [me] = rowsOf<{ u: string }>(await c.deps.db.execute(sql`SELECT current_user AS u`));
    expect(me?.u).toBe(DEFAULT_SERVICE_ROLE);
    expect(await serviceRoleProblems(c.deps.db)).toEqual([]);
    expect(tables).toEqual(expect.arrayContaining([...EVIDENCE_AND_AUDIT, "evidence_retention_floors"]));
  });

  /** The statements `db` was not refused with insufficient_privilege, each run in a rolled-back transaction. */
  async function notRefused(db: Db, stmts: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const stmt of stmts) {
      const outcome = await db
        .transaction(async (tx) => {
          await tx.execute(sql.raw(stmt));
          throw new Error("ALLOWED");
        })
        .catch((e: unknown) => pgErrorOf(e));
      // 42501 insufficient_privilege: "permission denied …" or "must be owner of …".
      if (outcome.message === "ALLOWED") out.push(`ALLOWED: ${stmt}`);
      else if (outcome.code !== "42501") out.push(`${stmt} → ${outcome.code} ${outcome.message}`);
    }
    return out;
  }

  test("cannot alter, delete, truncate or disable triggers on any evidence or audit table", async () => {
    expect(await notRefused(c.deps.db, [...tables.flatMap(attacks), ...global])).toEqual([]);
    for (const t of EVIDENCE_AND_AUDIT) {
      const [n] = rowsOf<{ n: number }>(
        await c.deps.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${t}`)),
      );
      expect(Number(n?.n)).toBe(1);
    }
  });

  test("the owner, by contrast, could switch the triggers off: the check above tells the two apart", async () => {
    const allowed = await c.withOwnerDb((owner) => notRefused(owner, attacks("evidence_chain")));
    expect(allowed).toContain("ALLOWED: ALTER TABLE evidence_chain DISABLE TRIGGER USER");
    expect(allowed).toContain("ALLOWED: DROP TABLE evidence_chain");
  });

  test("a superuser DATABASE_URL beside an owner URL stops start-up, naming the problem", async () => {
    const asSuperuser = new URL(c.databaseUrl!);
    const admin = new URL(POSTGRES_ADMIN_URL);
    asSuperuser.username = admin.username;
    await expect(
      openCloudDb({ url: asSuperuser.toString(), maxConnections: 1 }, { ownerUrl: c.ownerDatabaseUrl! }),
    ).rejects.toThrow(/DATABASE_URL must use a restricted role: role "\w+" is a superuser/);
  });

  test("the owner as the service role is refused", async () => {
    await expect(
      openCloudDb({ url: c.ownerDatabaseUrl!, maxConnections: 1 }, { ownerUrl: c.ownerDatabaseUrl! }),
    ).rejects.toThrow(/is the migration \(owner\) role/);
  });

  test("setup-roles is idempotent and puts back a role someone made too powerful", async () => {
    // Roles of this test alone: the shared ones stay untouched while other suites use them.
    const owner = `malachor_t_owner_${process.pid}`;
    const service = `malachor_t_service_${process.pid}`;
    const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
    try {
      expect(await setupRoles({ adminUrl: POSTGRES_ADMIN_URL, owner, service })).toEqual([
        `created role ${owner}`,
        `created role ${service}`,
      ]);
      await admin.unsafe(`ALTER ROLE ${service} CREATEROLE SUPERUSER`);
      await admin.unsafe(`GRANT ${owner} TO ${service}`);
      expect(await setupRoles({ adminUrl: POSTGRES_ADMIN_URL, owner, service })).toEqual([
        `revoked membership of ${service} in ${owner}`,
      ]);
      expect(await setupRoles({ adminUrl: POSTGRES_ADMIN_URL, owner, service })).toEqual([]);
      const [r] = await admin.unsafe(
        "SELECT rolsuper, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = $1",
        [service],
      );
      expect(r).toEqual({ rolsuper: false, rolcreaterole: false, rolcanlogin: true });
    } finally {
      await admin.unsafe(`DROP ROLE IF EXISTS ${service}`);
      await admin.unsafe(`DROP ROLE IF EXISTS ${owner}`);
      await admin.close();
    }
  });

  test("setup-roles refuses bad names and a non-superuser connection", async () => {
    await expect(setupRoles({ adminUrl: POSTGRES_ADMIN_URL, service: "Robert'); DROP" })).rejects.toThrow(
      /service: must be 1–63 of lowercase/,
    );
    await expect(setupRoles({ adminUrl: POSTGRES_ADMIN_URL, owner: "pg_monitor" })).rejects.toThrow(
      /owner: must not be a reserved name/,
    );
    await expect(setupRoles({ adminUrl: c.databaseUrl! })).rejects.toThrow(/must connect as a superuser/);
  });
});
