import { createHash } from "node:crypto";
import { SQL } from "bun";
import { openDb } from "../db/client.ts";
import { pgErrorOf } from "../db/errors.ts";
import { hashMigrations, MIGRATIONS_DIR, migrate } from "../db/migrate.ts";
import { DEFAULT_OWNER_ROLE, DEFAULT_SERVICE_ROLE, quoteIdent } from "../db/roles.ts";
import {
  createTestDatabase,
  ensureTestRoles,
  POSTGRES_ADMIN_URL,
  type TestDatabase,
  urlAs,
} from "./postgres.ts";

/** Every template's name starts so; the rest is the key of its migration files. */
export const TEMPLATE_PREFIX = "malachor_tpl_";
/** Serialises template builds and clean-ups across processes (other ids: migrate.ts, setup-roles.ts). */
export const TEMPLATE_LOCK = 727003;
/** A template of other migration files no process has started from for this long is dropped. */
const STALE_AFTER_MS = 24 * 3600_000;
/** SQLSTATE invalid_catalog_name: the template was dropped after this process learnt its name. */
const NO_SUCH_DATABASE = "3D000";

let template: Promise<string> | null = null;

/** The template's name for the migration files in `dir` as they are now (a changed migration, a new name). */
export function templateName(dir = MIGRATIONS_DIR): string {
  return `${TEMPLATE_PREFIX}${hashMigrations(createHash("sha256"), dir).digest("hex").slice(0, 16)}`;
}

/**
 * A fresh test database that already holds every migration, owned by the owner role with the
 * service's rights granted: a copy (`CREATE DATABASE … TEMPLATE`) of one migrated template per set
 * of migration files, which is much cheaper than migrating each database. The cloud still runs
 * `migrate` on it, which finds nothing to apply and grants the service's rights again.
 */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  try {
    return await createTestDatabase({ template: await migratedTemplate() });
  } catch (e) {
    if (pgErrorOf(e).code !== NO_SUCH_DATABASE) throw e;
    // Another process dropped it as stale (see dropStale): build it again, once.
    template = null;
    return createTestDatabase({ template: await migratedTemplate() });
  }
}

/**
 * The migrated template's name, built once on this server by whichever process asks first. Runs
 * under an advisory lock, so parallel test processes neither build it twice nor copy half of it; a
 * build is migrated under a `_part` name and renamed when complete, so a process that died
 * mid-build leaves nothing anyone copies.
 */
export function migratedTemplate(): Promise<string> {
  template ??= ensureTemplate();
  template.catch(() => {
    template = null;
  });
  return template;
}

async function ensureTemplate(): Promise<string> {
  await ensureTestRoles();
  const name = templateName();
  const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
  try {
    // A session lock on the one connection: closing it (finally) releases the lock.
    await admin.unsafe(`SELECT pg_advisory_lock(${TEMPLATE_LOCK})`);
    const [found] = await admin.unsafe("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!found) await build(admin, name);
    // The time of last use, for dropStale; an ISO time holds no quote, so it is a safe literal.
    await admin.unsafe(`COMMENT ON DATABASE ${quoteIdent(name)} IS 'used ${new Date().toISOString()}'`);
    await dropStale(admin, name);
    return name;
  } finally {
    await admin.close();
  }
}

/** Migrate a new database as the owner (granting the service role its rights), then publish it as `name`. */
async function build(admin: SQL, name: string): Promise<void> {
  const part = quoteIdent(`${name}_part`);
  await admin.unsafe(`DROP DATABASE IF EXISTS ${part} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${part} OWNER ${quoteIdent(DEFAULT_OWNER_ROLE)}`);
  const owner = await openDb({ url: urlAs(DEFAULT_OWNER_ROLE, `${name}_part`), maxConnections: 1 });
  try {
    await migrate(owner.db, { serviceRole: DEFAULT_SERVICE_ROLE });
  } finally {
    await owner.close();
  }
  // Copying needs a source nobody is connected to: refuse connections to it from now on.
  await admin.unsafe(`ALTER DATABASE ${part} ALLOW_CONNECTIONS false`);
  await admin.unsafe(`ALTER DATABASE ${part} RENAME TO ${quoteIdent(name)}`);
}

/**
 * Drop the templates of other migration files unused for STALE_AFTER_MS (other branches, edited
 * migrations) and any `_part` another process left behind (builds happen under the lock we hold).
 */
async function dropStale(admin: SQL, keep: string): Promise<void> {
  const rows: { name: string; note: string | null }[] = await admin.unsafe(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS note FROM pg_database
     WHERE starts_with(datname, $1) AND datname <> $2`,
    [TEMPLATE_PREFIX, keep],
  );
  for (const { name, note } of rows) {
    const used = Date.parse(note?.replace(/^used /, "") ?? "");
    if (Number.isFinite(used) && Date.now() - used < STALE_AFTER_MS) continue;
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}
