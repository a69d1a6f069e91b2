-- Healing: incidents from appliances, L2 plans and their outcomes, the LLM provider breaker,
-- learning-loop patterns (owned by cloud/src/incidents, plan, learning).
CREATE TABLE incidents (
  appliance_id text NOT NULL,
  id text NOT NULL,
  site_id text NOT NULL,
  check_id text NOT NULL,
  host text NOT NULL,
  severity text NOT NULL,
  tier text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'resolved')),
  body jsonb NOT NULL,
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (appliance_id, id)
);
--> statement-breakpoint
CREATE INDEX incidents_site_idx ON incidents (site_id, status, opened_at);
--> statement-breakpoint
CREATE TABLE plans (
  id text PRIMARY KEY,
  site_id text NOT NULL,
  appliance_id text NOT NULL,
  incident_id text NOT NULL,
  check_id text NOT NULL,
  runbook_id text,
  pattern text,
  decision text NOT NULL,
  confidence double precision NOT NULL,
  model text NOT NULL,
  signed jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  outcome text,
  outcome_at timestamptz
);
--> statement-breakpoint
CREATE INDEX plans_pattern_idx ON plans (pattern, outcome);
--> statement-breakpoint
CREATE TABLE plan_provider (
  name text PRIMARY KEY,
  failures integer NOT NULL,
  open_until timestamptz
);
--> statement-breakpoint
CREATE TABLE learning_patterns (
  pattern text PRIMARY KEY,
  check_id text NOT NULL,
  platform text NOT NULL,
  runbook_id text NOT NULL,
  params jsonb NOT NULL,
  successes integer NOT NULL,
  failures integer NOT NULL,
  status text NOT NULL CHECK (status IN ('tracking', 'candidate', 'approved', 'rejected')),
  rule_id text,
  decided_by text,
  decided_at timestamptz,
  reason text,
  first_seen_at timestamptz NOT NULL,
  last_outcome_at timestamptz NOT NULL
);
