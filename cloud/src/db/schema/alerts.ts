import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Alerts the cloud raised. At most one open alert per dedup key (one outage is one alert);
 * repeats bump `occurrences`. Acknowledging stops escalation; resolving closes it.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    dedupKey: text("dedup_key").notNull(),
    kind: text("kind").notNull(),
    severity: text("severity").notNull(),
    siteId: text("site_id"),
    applianceId: text("appliance_id"),
    summary: text("summary").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    occurrences: integer("occurrences").notNull().default(1),
    openedAt: timestamptz("opened_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull(),
    slaDueAt: timestamptz("sla_due_at").notNull(),
    /** Set once the trigger deliveries were queued. */
    notifiedAt: timestamptz("notified_at"),
    acknowledgedAt: timestamptz("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    escalatedAt: timestamptz("escalated_at"),
    resolvedAt: timestamptz("resolved_at"),
    resolvedBy: text("resolved_by"),
    /** Set once the resolve deliveries were queued. */
    resolveNotifiedAt: timestamptz("resolve_notified_at"),
  },
  (t) => [
    uniqueIndex("alerts_open_key").on(t.dedupKey).where(sql`resolved_at IS NULL`),
    index("alerts_key_idx").on(t.dedupKey, t.resolvedAt),
    index("alerts_opened_idx").on(t.openedAt),
  ],
);

/** One message for one channel about one alert event (trigger, escalate, resolve), retried until sent. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    alertId: text("alert_id")
      .notNull()
      .references(() => alerts.id),
    channel: text("channel").notNull(),
    event: text("event").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamptz("next_attempt_at").notNull(),
    deliveredAt: timestamptz("delivered_at"),
    failedAt: timestamptz("failed_at"),
    lastError: text("last_error"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [uniqueIndex("alert_deliveries_once").on(t.alertId, t.channel, t.event)],
);
