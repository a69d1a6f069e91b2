import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { describeEachDb } from "../testing/each-db.ts";
import type { Db, Tx } from "./client.ts";
import { rowsOf } from "./rows.ts";

// The SQL migrations are written by hand; the drizzle tables are what the code queries through.
// This compares the database the migrations build with every drizzle table, column by column, so
// the two cannot drift apart unnoticed.

const CLOUD_SRC = join(import.meta.dir, "..");

/** Every non-test module under cloud/src that defines a drizzle table. */
function modulesDefiningTables(dir = CLOUD_SRC): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modulesDefiningTables(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      if (readFileSync(path, "utf8").includes("pgTable(")) out.push(path);
    }
  }
  return out;
}

interface ColumnShape {
  type: string;
  notNull: boolean;
}
type TableShape = { columns: Record<string, ColumnShape>; primaryKey: string[] };

/** Postgres's spelling of a type for the few names drizzle writes differently. */
function canonicalType(t: string): string {
  const lower = t.toLowerCase();
  if (lower === "serial") return "integer";
  if (lower === "bigserial") return "bigint";
  if (lower === "timestamp") return "timestamp without time zone";
  if (lower === "double precision" || lower === "real") return lower;
  return lower.replace(/^varchar/, "character varying");
}

async function drizzleTables(): Promise<Map<string, TableShape>> {
  const out = new Map<string, TableShape>();
  for (const file of modulesDefiningTables()) {
    const mod: Record<string, unknown> = await import(file);
    for (const value of Object.values(mod)) {
      if (!is(value, PgTable)) continue;
      const cfg = getTableConfig(value);
      const columns: Record<string, ColumnShape> = {};
      for (const col of cfg.columns) {
        columns[col.name] = { type: canonicalType(col.getSQLType()), notNull: col.notNull || col.primary };
      }
      const primaryKey = [
        ...cfg.columns.filter((c) => c.primary).map((c) => c.name),
        ...cfg.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
      ].sort();
      if (out.has(cfg.name))
        throw new Error(`table ${cfg.name} is defined twice (second in ${relative(CLOUD_SRC, file)})`);
      out.set(cfg.name, { columns, primaryKey });
    }
  }
  return out;
}

test("the scan finds the drizzle schema (sanity: evidence_chain and schema_migrations are there)", async () => {
  const tables = await drizzleTables();
  expect(tables.has("evidence_chain")).toBe(true);
  expect(tables.has("schema_migrations")).toBe(true);
});

/** What differs between the drizzle tables and the migrated ones, one line per difference. */
function differences(expected: Map<string, TableShape>, actual: Map<string, TableShape>): string[] {
  const out: string[] = [];
  for (const name of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(name);
    const have = actual.get(name);
    if (!want || !have) {
      out.push(`${name}: ${want ? "in drizzle, not migrated" : "migrated, no drizzle table"}`);
      continue;
    }
    for (const col of new Set([...Object.keys(want.columns), ...Object.keys(have.columns)])) {
      const w = want.columns[col];
      const h = have.columns[col];
      if (!w || !h)
        out.push(`${name}.${col}: ${w ? "in drizzle, not migrated" : "migrated, not in drizzle"}`);
      else if (w.type !== h.type) out.push(`${name}.${col}: drizzle ${w.type}, migrated ${h.type}`);
      else if (w.notNull !== h.notNull)
        out.push(`${name}.${col}: drizzle ${w.notNull ? "NOT NULL" : "nullable"}, migrated the other`);
    }
    if (want.primaryKey.join() !== have.primaryKey.join()) {
      out.push(`${name}: primary key drizzle (${want.primaryKey}), migrated (${have.primaryKey})`);
    }
  }
  return out.sort();
}

async function migratedTables(db: Db | Tx): Promise<Map<string, TableShape>> {
  const cols = rowsOf<{ t: string; c: string; type: string; not_null: boolean }>(
    await db.execute(sql`
      SELECT cl.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
      FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
      WHERE cl.relnamespace = current_schema()::regnamespace AND cl.relkind IN ('r', 'p')
        AND NOT cl.relispartition AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, a.attnum`),
  );
  const pks = rowsOf<{ t: string; c: string }>(
    await db.execute(sql`
      SELECT cl.relname AS t, a.attname AS c
      FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid
      JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = ANY(i.indkey)
      WHERE i.indisprimary AND cl.relnamespace = current_schema()::regnamespace`),
  );
  const out = new Map<string, TableShape>();
  for (const r of cols) {
    const shape = out.get(r.t) ?? { columns: {}, primaryKey: [] };
    shape.columns[r.c] = { type: canonicalType(r.type), notNull: r.not_null };
    out.set(r.t, shape);
  }
  for (const r of pks) out.get(r.t)?.primaryKey.push(r.c);
  for (const shape of out.values()) shape.primaryKey.sort();
  return out;
}

describeEachDb("the migrated database matches the drizzle schema", (cloud) => {
  test("the same tables, columns, types, nullability and primary keys", async () => {
    expect(differences(await drizzleTables(), await migratedTables(cloud().deps.db))).toEqual([]);
  });

  test("a migration that departs from the schema is named (altered inside a rolled-back transaction)", async () => {
    const expected = await drizzleTables();
    let found: string[] = [];
    const rollback = new Error("roll back");
    await cloud()
      .withOwnerDb((db) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`ALTER TABLE sites ADD COLUMN sneaky text`);
          await tx.execute(sql`ALTER TABLE orders ALTER COLUMN site_id DROP NOT NULL`);
          await tx.execute(sql`ALTER TABLE job_leases ALTER COLUMN holder TYPE varchar(40)`);
          found = differences(expected, await migratedTables(tx));
          throw rollback;
        }),
      )
      .catch((e) => {
        if (e !== rollback) throw e;
      });
    expect(found).toEqual([
      "job_leases.holder: drizzle text, migrated character varying(40)",
      "orders.site_id: drizzle NOT NULL, migrated the other",
      "sites.sneaky: migrated, not in drizzle",
    ]);
  });
});
