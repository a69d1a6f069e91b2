/**
 * Every place a cloud could leak a secret to, as text, for tests that prove it does not: its
 * database (every row of every table), its log and its object store.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "../db/rows.ts";
import type { TestCloud } from "./test-cloud.ts";

/** Every file below `root`, read as latin1 and concatenated. */
export function filesText(root: string): string {
  let out = "";
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    out += statSync(p).isDirectory() ? filesText(p) : readFileSync(p, "latin1");
  }
  return out;
}

/** Every row of every table of the cloud's database, as Postgres prints a row (what a dump holds). */
export async function databaseText(cloud: TestCloud): Promise<string> {
  return cloud.withOwnerDb(async (db) => {
    const tables = rowsOf<{ name: string }>(
      await db.execute(
        sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      ),
    );
    const parts: string[] = [];
    for (const t of tables)
      for (const r of rowsOf<{ r: string }>(
        await db.execute(sql.raw(`SELECT t::text AS r FROM "${t.name}" t`)),
      ))
        parts.push(r.r);
    return parts.join("\n");
  });
}

/** Where a secret must not appear in the cloud, by name: its database, log and object store. */
export async function cloudHaystacks(cloud: TestCloud): Promise<Record<string, string>> {
  return {
    "cloud database": await databaseText(cloud),
    "cloud log": JSON.stringify((cloud.deps.logger as { lines?: unknown[] }).lines ?? []),
    "cloud object store": filesText(cloud.dataDir),
  };
}
