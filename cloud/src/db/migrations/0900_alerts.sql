-- Alerts the cloud raises itself (silent appliance, chain problems, failed orders, a stalled
-- outbox, new Federal Register documents) and their deliveries to each channel (see cloud/src/alerts/).
CREATE TABLE alerts (
  id text PRIMARY KEY,
  dedup_key text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL,
  site_id text,
  appliance_id text,
  summary text NOT NULL,
  details jsonb NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  opened_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  sla_due_at timestamptz NOT NULL,
  notified_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  escalated_at timestamptz,
  resolved_at timestamptz,
  resolved_by text,
  resolve_notified_at timestamptz
);
--> statement-breakpoint
CREATE UNIQUE INDEX alerts_open_key ON alerts (dedup_key) WHERE resolved_at IS NULL;
--> statement-breakpoint
CREATE INDEX alerts_key_idx ON alerts (dedup_key, resolved_at);
--> statement-breakpoint
CREATE INDEX alerts_opened_idx ON alerts (opened_at);
--> statement-breakpoint
CREATE TABLE alert_deliveries (
  id bigserial PRIMARY KEY,
  alert_id text NOT NULL REFERENCES alerts(id),
  channel text NOT NULL,
  event text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (alert_id, channel, event);
--> statement-breakpoint
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
