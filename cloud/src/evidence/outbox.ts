import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import type { CloudDeps } from "../deps.ts";
import type { ObjectStore } from "../store/object-store.ts";

/** What one drain pass did. */
export interface DrainReport {
  written: number;
  alreadyPresent: number;
  failed: number;
}

/**
 * Write pending evidence objects to the store. The chain row and its outbox entry were committed
 * together, so a crash at any point leaves either nothing (before commit) or an outbox entry that
 * the next pass completes: a put of an object already present with the same bytes counts as done,
 * and the entry is deleted only after the store confirmed the object. Run under the job lease.
 */
export async function drainOutbox(
  deps: CloudDeps,
  limit = 500,
  store: ObjectStore = deps.store,
): Promise<DrainReport> {
  const rows = await deps.db
    .select({
      id: evidenceOutbox.id,
      objectKey: evidenceOutbox.objectKey,
      retainUntil: evidenceOutbox.retainUntil,
      body: evidenceChain.body,
    })
    .from(evidenceOutbox)
    .innerJoin(
      evidenceChain,
      and(
        eq(evidenceChain.applianceId, evidenceOutbox.applianceId),
        eq(evidenceChain.seq, evidenceOutbox.seq),
      ),
    )
    .orderBy(asc(evidenceOutbox.id))
    .limit(limit);
  const report: DrainReport = { written: 0, alreadyPresent: 0, failed: 0 };
  const encoder = new TextEncoder();
  const done: number[] = [];
  // Writes in small parallel groups (each one fsyncs); entries cleared in one statement per group.
  for (let i = 0; i < rows.length; i += 16) {
    const group = rows.slice(i, i + 16);
    const outcomes = await Promise.allSettled(
      group.map((r) => store.put(r.objectKey, encoder.encode(r.body), { retainUntil: r.retainUntil })),
    );
    for (const [j, o] of outcomes.entries()) {
      const r = group[j]!;
      if (o.status === "fulfilled") {
        if (o.value === "created") report.written++;
        else report.alreadyPresent++;
        done.push(r.id);
        continue;
      }
      report.failed++;
      const message = String((o.reason as Error)?.message ?? o.reason).slice(0, 500);
      await deps.db
        .update(evidenceOutbox)
        .set({ attempts: sql`${evidenceOutbox.attempts} + 1`, lastError: message })
        .where(eq(evidenceOutbox.id, r.id));
      deps.logger.warn("evidence object write failed; will retry", {
        objectKey: r.objectKey,
        error: message,
      });
    }
    if (done.length > 0)
      await deps.db.delete(evidenceOutbox).where(inArray(evidenceOutbox.id, done.splice(0)));
  }
  if (report.written) {
    deps.metrics.inc(
      "malachor_evidence_objects_written_total",
      "Evidence objects written to the store",
      {},
      report.written,
    );
  }
  if (report.failed) {
    deps.metrics.inc(
      "malachor_evidence_object_failures_total",
      "Failed evidence object writes",
      {},
      report.failed,
    );
  }
  return report;
}

/** Number of evidence objects not yet in the store (exported as a health signal). */
export async function outboxDepth(deps: CloudDeps): Promise<number> {
  const [r] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(evidenceOutbox);
  return Number(r?.n ?? 0);
}
