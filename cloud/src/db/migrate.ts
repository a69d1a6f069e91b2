import type { Hash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import type { Db } from "./client.ts";
import { currentRole, grantServiceRights } from "./roles.ts";
import { timestamptz } from "./schema/columns.ts";

/** Folder holding every area's migrations, named `NNNN_<area>.sql`, applied in filename order. */
export const MIGRATIONS_DIR = join(import.meta.dir, "migrations");

/**
 * Statements in a migration file are separated by a line that is exactly
 * `--> statement-breakpoint`, because PGlite runs one statement per query.
 */
export const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

/** Which migration files have run (created by `migrate` itself before the first file). */
export const schemaMigrations = pgTable("schema_migrations", {
  name: text("name").primaryKey(),
  appliedAt: timestamptz("applied_at").notNull(),
});

/** Split a migration file into statements (see STATEMENT_BREAKPOINT). */
export function splitStatements(fileText: string): string[] {
  return fileText
    .split(/^--> statement-breakpoint[ \t]*$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/^--.*$/gm, "").trim() !== "");
}

/** Migration files in apply order. */
export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  const names = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  const bad = names.find((n) => !/^\d{4}_[a-z0-9_-]+\.sql$/.test(n));
  if (bad) throw new Error(`migration ${bad}: name must look like 0123_area.sql`);
  return names.sort();
}

/**
 * Feed every migration's name and text, in apply order, into `h`: what a database migrated from
 * `dir` depends on, so a key built from it changes when any migration is added or edited.
 */
export function hashMigrations(h: Hash, dir = MIGRATIONS_DIR): Hash {
  for (const name of migrationFiles(dir))
    h.update(name)
      .update("\0")
      .update(readFileSync(join(dir, name)));
  return h;
}

/** Options of `migrate`. */
export interface MigrateOptions {
  /** Folder of migration files (MIGRATIONS_DIR). */
  dir?: string;
  /**
   * Postgres only: the role the service connects as. After applying, the owner (this connection)
   * gives it exactly the service's rights on every table (db/roles.ts), every time, so tables a
   * migration added or made append-only are covered before the service uses them.
   */
  serviceRole?: string;
}

/**
 * Apply every migration not yet recorded in `schema_migrations`, in one transaction under an
 * advisory lock so instances starting together do not race. Returns the names applied.
 */
export async function migrate(db: Db, opts: MigrateOptions = {}): Promise<string[]> {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const files = migrationFiles(dir);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(727001)`);
    await tx.execute(
      sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL)`,
    );
    const done = new Set((await tx.select().from(schemaMigrations)).map((r) => r.name));
    const applied: string[] = [];
    for (const name of files) {
      if (done.has(name)) continue;
      for (const [i, stmt] of splitStatements(readFileSync(join(dir, name), "utf8")).entries()) {
        try {
          await tx.execute(sql.raw(stmt));
        } catch (e) {
          throw new Error(`migration ${name}, statement ${i + 1}: ${(e as Error).message}`);
        }
      }
      await tx.insert(schemaMigrations).values({ name, appliedAt: new Date() });
      applied.push(name);
    }
    if (opts.serviceRole !== undefined) {
      const owner = await currentRole(tx);
      if (opts.serviceRole === owner) {
        throw new Error(
          `database roles: the service role "${owner}" is the migration (owner) role; give the service its own role`,
        );
      }
      await grantServiceRights(tx, opts.serviceRole);
    }
    return applied;
  });
}
