import { randomBytes } from "node:crypto";
import { SQL } from "bun";

/** Admin connection used to create and drop per-test databases (override with TEST_POSTGRES_URL). */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let probe: Promise<boolean> | null = null;

/** Whether the machine's Postgres answers (once per process; TEST_POSTGRES=off skips it). */
export function postgresReachable(): Promise<boolean> {
  probe ??= (async () => {
    if (process.env.TEST_POSTGRES === "off") return false;
    const sql = new SQL({ url: POSTGRES_ADMIN_URL, max: 1, connectionTimeout: 2 });
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
  })();
  return probe;
}

/** A fresh, uniquely named database; `drop` removes it (forcing out leftover connections). */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `malachor_t_${process.pid}_${randomBytes(5).toString("hex")}`;
  const admin = new SQL({ url: POSTGRES_ADMIN_URL, max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
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
