import { sql } from "drizzle-orm";
import { raiseAlert } from "../alerts/raise.ts";
import type { Db } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import type { CloudDeps } from "../deps.ts";
import type { Job } from "../jobs/job.ts";

/**
 * The evidence chain is partitioned by month of `received_at` (migration 2600_evidence_partitions.sql).
 * Months are created ahead of time by the database function `malachor_evidence_partitions_ensure`,
 * which runs as the owner while the service only calls it; dropping a month past the retention is
 * the owner's alone (docs/deploy.md §6).
 */

/** How many months past the current one always have their partition. */
export const MONTHS_AHEAD = 2;

/** What one ensure did: months created, and months the DEFAULT partition already holds rows of. */
export interface PartitionsEnsured {
  created: string[];
  blocked: string[];
}

/** Create the monthly partitions of every month touching [from, through] (UTC) that do not exist yet. */
export async function ensureEvidencePartitions(
  db: Db,
  from: Date,
  through: Date,
): Promise<PartitionsEnsured> {
  const rows = rowsOf<{ month_table: string; outcome: "created" | "blocked" }>(
    await db.execute(
      sql`SELECT month_table, outcome FROM malachor_evidence_partitions_ensure(${from.toISOString()}::timestamptz, ${through.toISOString()}::timestamptz)`,
    ),
  );
  return {
    created: rows.filter((r) => r.outcome === "created").map((r) => r.month_table),
    blocked: rows.filter((r) => r.outcome === "blocked").map((r) => r.month_table),
  };
}

/** The end of the window the hourly job keeps partitioned: MONTHS_AHEAD whole months past `now`'s. */
export function aheadOf(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD + 1, 1) - 1);
}

/**
 * Hourly: this month and the next MONTHS_AHEAD have their partitions, so rows land in their month
 * and not in the DEFAULT partition even if the cloud was down for weeks. A month whose rows already
 * sit in the DEFAULT partition cannot get one: that is raised as an alert, because those rows are
 * now outside what retention can drop by month.
 */
export const evidencePartitionsJob: Job = {
  name: "evidence-partitions",
  everyMs: 3_600_000,
  run: async (deps: CloudDeps) => {
    const now = deps.clock.now();
    const r = await ensureEvidencePartitions(deps.db, now, aheadOf(now));
    if (r.created.length > 0)
      deps.logger.info("evidence: monthly partitions created", { created: r.created });
    for (const table of r.blocked) {
      await raiseAlert(deps, {
        dedupKey: `evidence-partition-blocked:${table}`,
        kind: "evidence-partition-blocked",
        severity: "warning",
        summary: `evidence partition ${table} cannot be created: ${table.replace(/_y\d{4}m\d{2}$/, "_default")} already holds rows of that month (see docs/deploy.md §6)`,
        details: { table },
      });
    }
  },
};
