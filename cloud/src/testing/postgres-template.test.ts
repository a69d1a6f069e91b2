import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { openDb } from "../db/client.ts";
import { MIGRATIONS_DIR, migrate, migrationFiles } from "../db/migrate.ts";
import { DEFAULT_SERVICE_ROLE } from "../db/roles.ts";
import { POSTGRES_AVAILABLE } from "./each-db.ts";
import { POSTGRES_ADMIN_URL } from "./postgres.ts";
import {
  createMigratedTestDatabase,
  TEMPLATE_LOCK,
  TEMPLATE_PREFIX,
  templateName,
} from "./postgres-template.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("the template's name follows the migration files: a new or edited migration gives a new name", () => {
  const dir = mkdtempSync(join(tmpdir(), "malachor-migrations-"));
  dirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const before = templateName(dir);
  expect(before).toBe(templateName());
  expect(before).toMatch(new RegExp(`^${TEMPLATE_PREFIX}[0-9a-f]{16}$`));
  writeFileSync(join(dir, "9999_extra.sql"), "CREATE TABLE extra (id text)");
  const added = templateName(dir);
  expect(added).not.toBe(before);
  appendFileSync(join(dir, "9999_extra.sql"), "\n--> statement-breakpoint\nCREATE TABLE extra2 (id text)");
  expect(templateName(dir)).not.toBe(added);
});

describe.skipIf(!POSTGRES_AVAILABLE)("migrated test databases copied from a template", () => {
  const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
  afterAll(() => admin.close());
  /** Drop the template as a stale-template clean-up in another process would: under the lock. */
  async function dropTemplate() {
    await admin.unsafe(`SELECT pg_advisory_lock(${TEMPLATE_LOCK})`);
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${templateName()} WITH (FORCE)`);
    } finally {
      await admin.unsafe(`SELECT pg_advisory_unlock(${TEMPLATE_LOCK})`);
    }
  }

  test("a copy holds every migration and the service's rights; the template itself takes no connections", async () => {
    const d = await createMigratedTestDatabase();
    try {
      const owner = await openDb({ url: d.ownerUrl, maxConnections: 1 });
      try {
        expect(await migrate(owner.db, { serviceRole: DEFAULT_SERVICE_ROLE })).toEqual([]);
      } finally {
        await owner.close();
      }
      const service = new SQL({ url: d.url, max: 1 });
      try {
        const [r] = await service.unsafe(
          `SELECT (SELECT array_agg(name ORDER BY name) FROM schema_migrations) AS applied,
                  has_table_privilege('evidence_chain', 'INSERT') AS insert,
                  has_table_privilege('evidence_chain', 'UPDATE') AS update`,
        );
        expect(r).toEqual({ applied: migrationFiles(), insert: true, update: false });
      } finally {
        await service.close();
      }
      const [tpl] = await admin.unsafe("SELECT datallowconn FROM pg_database WHERE datname = $1", [
        templateName(),
      ]);
      expect(tpl).toEqual({ datallowconn: false });
    } finally {
      await d.drop();
    }
  });

  test("processes starting together rebuild a dropped template and both get a copy; stale templates and abandoned builds are dropped", async () => {
    const mine = `${TEMPLATE_PREFIX}t${process.pid}`;
    const stale = `${mine}_old`;
    const recent = `${mine}_new`;
    const abandoned = `${mine}_part`;
    const listed = async () =>
      (
        (await admin.unsafe("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [mine])) as {
          datname: string;
        }[]
      )
        .map((r) => r.datname)
        .sort();
    try {
      for (const name of [stale, recent, abandoned]) await admin.unsafe(`CREATE DATABASE ${name}`);
      await admin.unsafe(`COMMENT ON DATABASE ${stale} IS 'used 2000-01-01T00:00:00.000Z'`);
      await admin.unsafe(`COMMENT ON DATABASE ${recent} IS 'used ${new Date().toISOString()}'`);
      await dropTemplate();

      const code = `const m = await import(${JSON.stringify(join(import.meta.dir, "postgres-template.ts"))});
        const d = await m.createMigratedTestDatabase(); await d.drop();`;
      const children = [0, 1].map(() =>
        Bun.spawn([process.execPath, "-e", code], { stdout: "ignore", stderr: "pipe" }),
      );
      const results = await Promise.all(
        children.map(async (p) => ({ code: await p.exited, stderr: await new Response(p.stderr).text() })),
      );
      expect(results).toEqual([
        { code: 0, stderr: "" },
        { code: 0, stderr: "" },
      ]);
      expect(await listed()).toEqual([recent]);
      // This process learnt the template's name before it was dropped again: it builds it again.
      await dropTemplate();
      const d = await createMigratedTestDatabase();
      await d.drop();
    } finally {
      for (const name of [stale, recent, abandoned]) await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    }
  }, 60_000);
});
