import { randomBytes } from "node:crypto";
import { SQL } from "bun";
import { DEFAULT_OWNER_ROLE, DEFAULT_SERVICE_ROLE, quoteIdent } from "../db/roles.ts";
import { setupRoles } from "../db/setup-roles.ts";

/** Superuser connection used to create roles and per-test databases (override with TEST_POSTGRES_URL). */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let probe: Promise<boolean> | null = null;

/**
 * Whether the machine's Postgres answers (once per process; TEST_POSTGRES=off skips it). With `CI`
 * set, an unreachable or switched-off Postgres is an error: CI must fail, never skip.
 */
export function postgresReachable(): Promise<boolean> {
  probe ??= (async () => {
    const reachable = process.env.TEST_POSTGRES !== "off" && (await answers(POSTGRES_ADMIN_URL));
    if (!reachable && process.env.CI) {
      throw new Error(
        `CI: Postgres at ${new URL(POSTGRES_ADMIN_URL).host} is required` +
          (process.env.TEST_POSTGRES === "off"
            ? " (TEST_POSTGRES=off is not allowed under CI)"
            : " and unreachable"),
      );
    }
    return reachable;
  })();
  return probe;
}

async function answers(url: string): Promise<boolean> {
  const sql = new SQL({ url, max: 1, connectionTimeout: 2 });
  try {
    await Promise.race([
      sql`SELECT 1`,
      new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), 3000)),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    void sql.close().catch(() => undefined);
  }
}

let roles: Promise<unknown> | null = null;

/** `url` with another user and database. */
export function urlAs(user: string, database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.username = user;
  url.password = "";
  url.pathname = `/${database}`;
  return url.toString();
}

/** A per-test database: the service's URL (restricted role), the owner's URL, and how to drop it. */
export interface TestDatabase {
  name: string;
  /** Connects as the service role, as the cloud does in production. */
  url: string;
  /** Connects as the owner role (migrations). */
  ownerUrl: string;
  drop(): Promise<void>;
}

/** The cloud's roles on the test server (once per process, idempotently, the README's set-up script). */
export function ensureTestRoles(): Promise<unknown> {
  roles ??= setupRoles({ adminUrl: POSTGRES_ADMIN_URL });
  return roles;
}

/**
 * A fresh, uniquely named database owned by the owner role: empty, or a copy of `template` (a
 * database nobody is connected to, see postgres-template.ts). The roles are created first, so a
 * fresh server works.
 */
export async function createTestDatabase(opts: { template?: string } = {}): Promise<TestDatabase> {
  await ensureTestRoles();
  const name = `malachor_t_${process.pid}_${randomBytes(5).toString("hex")}`;
  const from = opts.template ? ` TEMPLATE ${quoteIdent(opts.template)}` : "";
  const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name} OWNER ${DEFAULT_OWNER_ROLE}${from}`);
  } finally {
    await admin.close();
  }
  return {
    name,
    url: urlAs(DEFAULT_SERVICE_ROLE, name),
    ownerUrl: urlAs(DEFAULT_OWNER_ROLE, name),
    async drop() {
      const a = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.close();
      }
    },
  };
}
