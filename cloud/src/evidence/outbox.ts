import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { evidenceAlerts, evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import type { CloudDeps } from "../deps.ts";
import type { Job } from "../jobs/job.ts";
import { evidenceObjectBytes, type ObjectStore, PermanentStoreError } from "../store/object-store.ts";

/** What one drain pass did. */
export interface DrainReport {
  written: number;
  alreadyPresent: number;
  failed: number;
  /** Entries an evidence alert was raised for in this pass (failed for good, or too often). */
  alerted: number;
}

/** Entries read per pass. */
const DRAIN_BATCH = 500;
/** A failing entry waits 1 s, 2 s, 4 s… up to this before its next attempt. */
export const MAX_BACKOFF_MS = 3_600_000;
/** Failures in a row after which a transient error is alerted on, as a permanent one is at once. */
export const ALERT_AFTER_ATTEMPTS = 5;
/** The kind of the evidence alert naming an object the store would not take. */
export const OBJECT_WRITE_ALERT = "object-write-failed";

/** Delay before the next attempt of an entry that has now failed `attempts` times. */
export function backoffMs(attempts: number, permanent: boolean): number {
  if (permanent) return MAX_BACKOFF_MS;
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}

/**
 * Write pending evidence objects to the store. The chain row (the index) and its outbox entry (the
 * body, the only copy until the store has it) were committed together, so a crash at any point
 * leaves either nothing (before commit) or an outbox entry that the next pass completes: a put of
 * an object already present with the same bytes counts as done, and the entry is deleted only
 * after the store confirmed the object.
 *
 * A failing entry never blocks the others: it is put back with a growing delay (backoffMs) and
 * passes read only entries that are due, so a poisoned entry costs one attempt per delay. When it
 * fails for good (PermanentStoreError) or ALERT_AFTER_ATTEMPTS times, an evidence alert names the
 * object, once. Run under the job lease; `signal` (lease lost) stops the pass between groups.
 */
export async function drainOutbox(
  deps: CloudDeps,
  opts: { limit?: number; store?: ObjectStore; signal?: AbortSignal } = {},
): Promise<DrainReport> {
  const store = opts.store ?? deps.store;
  const now = deps.clock.now();
  const rows = await deps.db
    .select({
      id: evidenceOutbox.id,
      applianceId: evidenceOutbox.applianceId,
      seq: evidenceOutbox.seq,
      objectKey: evidenceOutbox.objectKey,
      retainUntil: evidenceOutbox.retainUntil,
      attempts: evidenceOutbox.attempts,
      alertedAt: evidenceOutbox.alertedAt,
      siteId: evidenceChain.siteId,
      // Entries queued before migration 2400 have no body of their own: their chain row holds it.
      body: sql<string>`coalesce(${evidenceOutbox.body}, ${evidenceChain.body})`,
    })
    .from(evidenceOutbox)
    .innerJoin(
      evidenceChain,
      and(
        eq(evidenceChain.applianceId, evidenceOutbox.applianceId),
        eq(evidenceChain.seq, evidenceOutbox.seq),
      ),
    )
    .where(or(isNull(evidenceOutbox.nextAttemptAt), lte(evidenceOutbox.nextAttemptAt, now)))
    .orderBy(asc(evidenceOutbox.id))
    .limit(opts.limit ?? DRAIN_BATCH);
  const report: DrainReport = { written: 0, alreadyPresent: 0, failed: 0, alerted: 0 };
  // Writes in small parallel groups (each one fsyncs); entries cleared in one statement per group.
  for (let i = 0; i < rows.length; i += 16) {
    if (opts.signal?.aborted) break;
    const group = rows.slice(i, i + 16);
    const outcomes = await Promise.allSettled(
      group.map((r) =>
        store.put(r.objectKey, evidenceObjectBytes(r.objectKey, r.body), { retainUntil: r.retainUntil }),
      ),
    );
    const done: number[] = [];
    const failures: Failure[] = [];
    for (const [j, o] of outcomes.entries()) {
      const r = group[j]!;
      if (o.status === "fulfilled") {
        if (o.value === "created") report.written++;
        else report.alreadyPresent++;
        done.push(r.id);
      } else {
        failures.push({ ...r, reason: o.reason });
      }
    }
    if (done.length > 0) await deps.db.delete(evidenceOutbox).where(inArray(evidenceOutbox.id, done));
    report.failed += failures.length;
    report.alerted += await recordFailures(deps, store, failures);
  }
  const count = (name: string, help: string, n: number) => {
    if (n > 0) deps.metrics.inc(name, help, {}, n);
  };
  count("malachor_evidence_objects_written_total", "Evidence objects written to the store", report.written);
  count("malachor_evidence_object_failures_total", "Failed evidence object writes", report.failed);
  count("malachor_evidence_object_alerts_total", "Evidence objects alerted on", report.alerted);
  return report;
}

/** An entry whose write failed, and why. */
interface Failure {
  id: number;
  applianceId: string;
  seq: number;
  siteId: string;
  objectKey: string;
  attempts: number;
  alertedAt: Date | null;
  reason: unknown;
}

/**
 * Put failed entries back with their delays and raise the alerts that are due, in one transaction
 * (one UPDATE for the group, one INSERT for its alerts). Returns how many were alerted.
 */
async function recordFailures(deps: CloudDeps, store: ObjectStore, failures: Failure[]): Promise<number> {
  if (failures.length === 0) return 0;
  const now = deps.clock.now();
  const plan = failures.map((f) => {
    const message = String((f.reason as Error)?.message ?? f.reason).slice(0, 500);
    const permanent = f.reason instanceof PermanentStoreError;
    const attempts = f.attempts + 1;
    const alert = f.alertedAt === null && (permanent || attempts >= ALERT_AFTER_ATTEMPTS);
    const nextAttemptAt = new Date(now.getTime() + backoffMs(attempts, permanent));
    return { f, message, permanent, attempts, alert, nextAttemptAt };
  });
  const alerts = plan.filter((p) => p.alert);
  await deps.db.transaction(async (tx) => {
    const values = sql.join(
      plan.map(
        (p) =>
          sql`(${p.f.id}::bigint, ${p.message}::text, ${p.nextAttemptAt.toISOString()}::timestamptz, ${p.alert}::boolean)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      UPDATE ${evidenceOutbox} SET
        attempts = ${evidenceOutbox.attempts} + 1,
        last_error = v.message,
        next_attempt_at = v.next_attempt_at,
        alerted_at = CASE WHEN v.alert THEN ${now.toISOString()}::timestamptz ELSE ${evidenceOutbox.alertedAt} END
      FROM (VALUES ${values}) AS v(id, message, next_attempt_at, alert)
      WHERE ${evidenceOutbox.id} = v.id`);
    if (alerts.length > 0) {
      await tx.insert(evidenceAlerts).values(
        alerts.map((p) => ({
          siteId: p.f.siteId,
          applianceId: p.f.applianceId,
          kind: OBJECT_WRITE_ALERT,
          seq: p.f.seq,
          message: `evidence object ${p.f.objectKey} could not be written to the ${store.kind} store after ${p.attempts} attempt(s): ${p.message}`,
          detail: {
            objectKey: p.f.objectKey,
            error: p.message,
            attempts: p.attempts,
            permanent: p.permanent,
          },
          createdAt: now,
        })),
      );
    }
  });
  for (const p of plan) {
    const fields = {
      objectKey: p.f.objectKey,
      error: p.message,
      attempts: p.attempts,
      nextAttemptAt: p.nextAttemptAt.toISOString(),
    };
    if (p.alert)
      deps.logger.error("evidence object write keeps failing; alert raised, others continue", fields);
    else deps.logger.warn("evidence object write failed; will retry", fields);
  }
  return alerts.length;
}

/** The evidence-outbox job: drains every second, pass after pass while full batches keep coming. */
export const evidenceOutboxJob: Job = {
  name: "evidence-outbox",
  everyMs: 1000,
  run: async (deps, signal) => {
    // Failed entries are deferred, so a full batch means more may be due; bounded per tick.
    for (let i = 0; i < 20 && !signal.aborted; i++) {
      const r = await drainOutbox(deps, { signal });
      if (r.written + r.alreadyPresent + r.failed < DRAIN_BATCH) break;
    }
  },
};

/** The outbox as /health reports it. */
export interface OutboxHealth {
  /** Entries not yet in the store. */
  depth: number;
  /** Age of the oldest entry, seconds (0 when empty). */
  oldestAgeSec: number;
  /** Entries whose last attempt failed. */
  failing: number;
  /** Entries an alert was raised for (failed for good, or too often) and still not written. */
  alerted: number;
}

/** Depth, age and failures of the evidence outbox (a health signal). */
export async function outboxHealth(deps: CloudDeps): Promise<OutboxHealth> {
  const [r] = await deps.db
    .select({
      depth: sql<number>`count(*)::int`,
      oldest: sql<Date | null>`min(${evidenceOutbox.createdAt})`.mapWith(evidenceOutbox.createdAt),
      failing: sql<number>`count(*) FILTER (WHERE ${evidenceOutbox.attempts} > 0)::int`,
      alerted: sql<number>`count(*) FILTER (WHERE ${evidenceOutbox.alertedAt} IS NOT NULL)::int`,
    })
    .from(evidenceOutbox);
  const oldest = r?.oldest ? new Date(r.oldest).getTime() : null;
  return {
    depth: Number(r?.depth ?? 0),
    oldestAgeSec: oldest === null ? 0 : Math.max(0, Math.floor((deps.clock.now().getTime() - oldest) / 1000)),
    failing: Number(r?.failing ?? 0),
    alerted: Number(r?.alerted ?? 0),
  };
}
