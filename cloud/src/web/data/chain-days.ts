/** The chain-row pieces the per-day charts share: a row's UTC day and a site's bundles of a window. */
import { and, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import { evidenceChain } from "../../db/schema/evidence.ts";

/** The UTC day (YYYY-MM-DD) a chain row was stored on: the key of days.ts's buckets. */
export const chainDay = sql<string>`to_char(${evidenceChain.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

/** A site's chain rows of one kind (or any of several) stored since `start`, a window's first midnight. */
export function siteBundlesSince(
  siteId: string,
  kind: string | readonly string[],
  start: Date,
): SQL | undefined {
  return and(
    eq(evidenceChain.siteId, siteId),
    typeof kind === "string" ? eq(evidenceChain.kind, kind) : inArray(evidenceChain.kind, [...kind]),
    gte(evidenceChain.createdAt, start),
  );
}
