import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

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
    openedAt: timestamptz("opened_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
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
    createdAt: timestamptz("created_at").notNull(),
    outcome: text("outcome"),
    outcomeAt: timestamptz("outcome_at"),
  },
  (t) => [index("plans_pattern_idx").on(t.pattern, t.outcome)],
);

/** The LLM provider's circuit breaker, shared by every cloud instance. */
export const planProvider = pgTable("plan_provider", {
  name: text("name").primaryKey(),
  failures: integer("failures").notNull(),
  openUntil: timestamptz("open_until"),
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
  decidedAt: timestamptz("decided_at"),
  reason: text("reason"),
  firstSeenAt: timestamptz("first_seen_at").notNull(),
  lastOutcomeAt: timestamptz("last_outcome_at").notNull(),
});
