import { sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { RatePolicy } from "../config.ts";
import type { Db } from "../db/client.ts";
import { rateLimits } from "../db/schema/runtime.ts";
import { ApiError } from "../http/errors.ts";

/** Outcome of taking from a rate-limit bucket. */
export interface RateDecision {
  ok: boolean;
  count: number;
  retryAfterSec: number;
}

/** The fixed window `now` falls in, and how long until it ends. */
export function currentWindow(
  clock: Clock,
  policy: RatePolicy,
): { windowStart: number; retryAfterSec: number } {
  const nowMs = clock.now().getTime();
  const windowMs = policy.windowSec * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  return { windowStart, retryAfterSec: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)) };
}

/** The 429 answer for `what` over `policy`. */
export function rateLimited(what: string, policy: RatePolicy, retryAfterSec: number): ApiError {
  return new ApiError(
    429,
    "rate_limited",
    `${what}: limit of ${policy.limit} per ${policy.windowSec}s reached; retry after ${retryAfterSec}s`,
    { retryable: true, retryAfterSec },
  );
}

/**
 * Count `cost` against `bucket` in the current fixed window (one upsert; counters live in the DB
 * so every instance shares them).
 */
export async function consume(
  db: Db,
  clock: Clock,
  bucket: string,
  policy: RatePolicy,
  cost = 1,
): Promise<RateDecision> {
  const { windowStart, retryAfterSec } = currentWindow(clock, policy);
  const [row] = await db
    .insert(rateLimits)
    .values({ bucket, windowStart, count: cost })
    .onConflictDoUpdate({
      target: [rateLimits.bucket, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + ${cost}` },
    })
    .returning({ count: rateLimits.count });
  const count = Number(row!.count);
  return { ok: count <= policy.limit, count, retryAfterSec };
}

/** Like consume, but throws a 429 ApiError (with Retry-After) when over the limit. */
export async function enforce(
  db: Db,
  clock: Clock,
  bucket: string,
  policy: RatePolicy,
  what: string,
  cost = 1,
): Promise<void> {
  const d = await consume(db, clock, bucket, policy, cost);
  if (!d.ok) throw rateLimited(what, policy, d.retryAfterSec);
}

/** Drop windows that ended more than a day ago (run by the maintenance job). */
export async function pruneRateLimits(db: Db, clock: Clock): Promise<void> {
  const cutoff = clock.now().getTime() - 24 * 3600 * 1000;
  await db.delete(rateLimits).where(sql`${rateLimits.windowStart} < ${cutoff}`);
}
