import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { jobLeases } from "../db/schema/runtime.ts";

/** This process's prefix for lease holder names (each job runner adds its own suffix). */
export const HOLDER = `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Take (or renew) the lease `name` for `ttlMs`: succeeds when nobody holds it, it expired, or we
 * already hold it. Lets N instances run a scheduled job with one runner at a time.
 */
export async function tryLease(
  db: Db,
  clock: Clock,
  name: string,
  ttlMs: number,
  holder = HOLDER,
): Promise<boolean> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const rows = await db
    .insert(jobLeases)
    .values({ name, holder, expiresAt })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { holder, expiresAt },
      setWhere: sql`${jobLeases.expiresAt} < ${now} OR ${jobLeases.holder} = ${holder}`,
    })
    .returning({ holder: jobLeases.holder });
  return rows.length === 1 && rows[0]!.holder === holder;
}

/** Give a lease back early. */
export async function releaseLease(db: Db, name: string, holder = HOLDER): Promise<void> {
  await db.delete(jobLeases).where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}
