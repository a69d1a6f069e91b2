import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** Incidents reported by appliances (PHI-scrubbed); open until a person resolves them. */
export const incidents = pgTable(
  "incidents",
  {
    applianceId: text("appliance_id").notNull(),
    id: text("id").notNull(),
    siteId: text("site_id").notNull(),
    checkId: text("check_id").notNull(),
    host: text("host").notNull(),
    severity: text("severity").notNull(),
    tier: text("tier").notNull(),
    status: text("status").notNull(),
    /** The Incident as last reported (or as resolved by a person in the cloud). */
    body: jsonb("body").notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.applianceId, t.id] }),
    index("incidents_site_idx").on(t.siteId, t.status, t.openedAt),
  ],
);

/** L2 plans the broker issued, with what came of them on the appliance. */
export const plans = pgTable(
  "plans",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    applianceId: text("appliance_id").notNull(),
    incidentId: text("incident_id").notNull(),
    checkId: text("check_id").notNull(),
    runbookId: text("runbook_id"),
    /** Learning-loop pattern (check, runbook, parameters); null when no runbook was proposed. */
    pattern: text("pattern"),
    decision: text("decision").notNull(),
    confidence: doublePrecision("confidence").notNull(),
    model: text("model").notNull(),
    signed: jsonb("signed").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    outcome: text("outcome"),
    outcomeAt: timestamp("outcome_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("plans_pattern_idx").on(t.pattern, t.outcome)],
);

/** The LLM provider's circuit breaker, shared by every cloud instance. */
export const planProvider = pgTable("plan_provider", {
  name: text("name").primaryKey(),
  failures: integer("failures").notNull(),
  openUntil: timestamp("open_until", { withTimezone: true, mode: "date" }),
});

/** Learning-loop patterns: L2 resolutions per (check, runbook, parameters), and their promotion. */
export const learningPatterns = pgTable("learning_patterns", {
  pattern: text("pattern").primaryKey(),
  checkId: text("check_id").notNull(),
  platform: text("platform").notNull(),
  runbookId: text("runbook_id").notNull(),
  params: jsonb("params").notNull(),
  successes: integer("successes").notNull(),
  failures: integer("failures").notNull(),
  /** tracking → candidate → approved | rejected (a rejected pattern is not proposed again). */
  status: text("status").notNull(),
  ruleId: text("rule_id"),
  decidedBy: text("decided_by"),
  decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
  reason: text("reason"),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true, mode: "date" }).notNull(),
  lastOutcomeAt: timestamp("last_outcome_at", { withTimezone: true, mode: "date" }).notNull(),
});
