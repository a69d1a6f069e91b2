import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { planProvider } from "../db/schema/heal.ts";

/** When the provider breaker reopens for calls, or null when it is closed. */
export async function breakerOpenUntil(db: Db, name: string, now: Date): Promise<Date | null> {
  const [row] = await db.select().from(planProvider).where(eq(planProvider.name, name));
  return row?.openUntil && row.openUntil > now ? row.openUntil : null;
}

/**
 * Count a provider call: a success closes the breaker; the `failures`-th failure in a row opens
 * it for `openSec` (state in the database, so every cloud instance stops calling together).
 */
export async function recordProviderCall(
  db: Db,
  name: string,
  ok: boolean,
  now: Date,
  policy: { failures: number; openSec: number },
): Promise<void> {
  if (ok) {
    await db
      .insert(planProvider)
      .values({ name, failures: 0, openUntil: null })
      .onConflictDoUpdate({ target: planProvider.name, set: { failures: 0, openUntil: null } });
    return;
  }
  const openUntil = new Date(now.getTime() + policy.openSec * 1000);
  await db
    .insert(planProvider)
    .values({ name, failures: 1, openUntil: policy.failures <= 1 ? openUntil : null })
    .onConflictDoUpdate({
      target: planProvider.name,
      set: {
        failures: sql`${planProvider.failures} + 1`,
        openUntil: sql`CASE WHEN ${planProvider.failures} + 1 >= ${policy.failures} THEN ${openUntil.toISOString()}::timestamptz ELSE ${planProvider.openUntil} END`,
      },
    });
}
