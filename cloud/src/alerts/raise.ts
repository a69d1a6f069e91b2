import { and, desc, eq, gte, isNull, sql } from "drizzle-orm";
import * as v from "valibot";
import { newId } from "../auth/secrets.ts";
import { alerts } from "../db/schema/alerts.ts";
import type { CloudDeps } from "../deps.ts";

/** PagerDuty's severities, used by every channel. */
export const AlertSeverity = v.picklist(["critical", "error", "warning", "info"]);
export type AlertSeverity = v.InferOutput<typeof AlertSeverity>;

/** What a feature raises. `dedupKey` names the condition: while an alert for it is open, repeats only count. */
export const AlertInput = v.strictObject({
  dedupKey: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  kind: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{1,63}$/, "must be a lower-case kebab-case word")),
  severity: AlertSeverity,
  summary: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  siteId: v.optional(v.string()),
  applianceId: v.optional(v.string()),
  details: v.optional(v.record(v.string(), v.unknown())),
});
export type AlertInput = v.InferInput<typeof AlertInput>;

/** What raising did: opened a new alert, counted a repeat of an open one, or ignored old news. */
export interface RaiseOutcome {
  id: string;
  outcome: "opened" | "repeated" | "already-resolved";
}

/**
 * Raise an alert for a condition seen at `at` (default now). One open alert per dedup key, so one
 * outage is one alert however often it is seen, and by however many instances. A sighting dated at
 * or before the last resolution of the same key is old news and opens nothing. The alerts job
 * sends it to every configured channel and escalates it when nobody acknowledges it within the SLA.
 */
export async function raiseAlert(deps: CloudDeps, input: AlertInput, at?: Date): Promise<RaiseOutcome> {
  const a = v.parse(AlertInput, input);
  const seen = at ?? deps.clock.now();
  for (let attempt = 0; ; attempt++) {
    const open = await deps.db
      .select({ id: alerts.id, lastSeenAt: alerts.lastSeenAt })
      .from(alerts)
      .where(and(eq(alerts.dedupKey, a.dedupKey), isNull(alerts.resolvedAt)));
    if (open[0]) {
      await deps.db
        .update(alerts)
        .set({ occurrences: sql`${alerts.occurrences} + 1`, lastSeenAt: seen })
        .where(
          and(eq(alerts.id, open[0].id), sql`${alerts.lastSeenAt} < ${seen.toISOString()}::timestamptz`),
        );
      return { id: open[0].id, outcome: "repeated" };
    }
    const closed = await deps.db
      .select({ id: alerts.id })
      .from(alerts)
      .where(and(eq(alerts.dedupKey, a.dedupKey), gte(alerts.resolvedAt, seen)))
      .orderBy(desc(alerts.resolvedAt))
      .limit(1);
    if (closed[0]) return { id: closed[0].id, outcome: "already-resolved" };
    const now = deps.clock.now();
    const id = newId("alr_");
    const inserted = await deps.db
      .insert(alerts)
      .values({
        id,
        dedupKey: a.dedupKey,
        kind: a.kind,
        severity: a.severity,
        siteId: a.siteId ?? null,
        applianceId: a.applianceId ?? null,
        summary: a.summary,
        details: a.details ?? {},
        openedAt: now,
        lastSeenAt: seen,
        slaDueAt: new Date(now.getTime() + deps.config.alertSlaSec * 1000),
      })
      // The partial unique index on open dedup keys: another instance opened it first.
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    if (inserted[0]) return { id, outcome: "opened" };
    if (attempt > 2) throw new Error(`alerts: could not open or find the open alert ${a.dedupKey}`);
  }
}

/** Close the open alert for a condition that cleared (e.g. the appliance checked in again). */
export async function resolveAlert(deps: CloudDeps, dedupKey: string, by: string): Promise<boolean> {
  const r = await deps.db
    .update(alerts)
    .set({ resolvedAt: deps.clock.now(), resolvedBy: by })
    .where(and(eq(alerts.dedupKey, dedupKey), isNull(alerts.resolvedAt)))
    .returning({ id: alerts.id });
  return r.length > 0;
}
