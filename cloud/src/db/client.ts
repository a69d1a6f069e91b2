import { PGlite } from "@electric-sql/pglite";
import { SQL } from "bun";
import { drizzle as drizzleBunSql } from "drizzle-orm/bun-sql";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import * as schema from "./schema/index.ts";

/** The drizzle database the cloud uses; the same type whether PGlite or Postgres is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle (same query API as Db). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** An open database and how to close it. */
export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/**
 * Where the database lives: a Postgres URL, a PGlite data directory, or PGlite in memory
 * (optionally started from a data-directory image, `PGlite.dumpDataDir`'s tarball: tests start
 * from an already-migrated one, see testing/pglite-image.ts).
 */
export type DbTarget =
  | { url: string; maxConnections?: number }
  | { dataDir: string }
  | { memory: true; image?: PgliteImage };

/** A PGlite data directory as a tarball, and optionally PGlite's WASM already compiled (shared by instances). */
export interface PgliteImage {
  dataDir: Blob;
  wasmModule?: WebAssembly.Module;
}

/** Open the cloud database (no migrations; see migrate.ts). */
export async function openDb(target: DbTarget): Promise<DbHandle> {
  if ("url" in target) {
    const client = new SQL({ url: target.url, max: target.maxConnections ?? 16 });
    const db = drizzleBunSql({ client, schema }) as unknown as Db;
    return { db, kind: "postgres", close: () => client.close() };
  }
  const client =
    "dataDir" in target
      ? new PGlite(target.dataDir)
      : new PGlite(
          target.image
            ? { loadDataDir: target.image.dataDir, pgliteWasmModule: target.image.wasmModule }
            : {},
        );
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return { db, kind: "pglite", close: () => client.close() };
}
