import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Db, PgliteImage } from "../db/client.ts";
import { hashMigrations, migrate } from "../db/migrate.ts";
import * as schema from "../db/schema/index.ts";

/** PGlite's dist/index.js: its WASM and package.json are found beside it. */
const PGLITE_ENTRY = import.meta.resolve("@electric-sql/pglite");
let image: Promise<PgliteImage> | null = null;

/** What the image depends on: the PGlite build and every migration's name and text. */
function imageKey(): string {
  const h = createHash("sha256");
  h.update(readFileSync(new URL("../package.json", PGLITE_ENTRY)));
  return hashMigrations(h).digest("hex").slice(0, 16);
}

/**
 * The data directory of a fresh PGlite database with every migration applied, as a tarball
 * (`PGlite.dumpDataDir`). A fresh PGlite runs initdb in a second WASM instance and then the
 * migrations: together most of a test cloud's start-up. Starting from this image skips both (the
 * cloud still runs `migrate`, which finds nothing to do). Built once per process and kept in the
 * temp directory under a key of the PGlite version and the migration files, so a changed migration
 * builds a new image.
 */
export function migratedPgliteImage(): Promise<PgliteImage> {
  image ??= (async () => ({ dataDir: await migratedDataDir(), wasmModule: await compiledPglite() }))();
  image.catch(() => {
    image = null;
  });
  return image;
}

/** PGlite's WASM compiled once: each instance would otherwise compile the same 9 MB again. */
function compiledPglite(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(readFileSync(new URL("./pglite.wasm", PGLITE_ENTRY)));
}

/** The migrated data directory: from the temp directory, or built and stored there. */
async function migratedDataDir(): Promise<Blob> {
  const file = join(tmpdir(), `malachor-pglite-migrated-${imageKey()}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const client = new PGlite();
  try {
    await client.waitReady;
    await migrate(drizzle({ client, schema }) as unknown as Db);
    const tar = await client.dumpDataDir("none");
    // Written under a unique name, then renamed: a concurrent run never reads half a file.
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, new Uint8Array(await tar.arrayBuffer()));
    renameSync(part, file);
    return tar;
  } finally {
    await client.close();
  }
}
