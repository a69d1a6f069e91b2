-- Storage hardening. Every append-only table refuses TRUNCATE as well as UPDATE and DELETE (row
-- triggers plus a statement trigger; evidence_chain had both already). The ids that name evidence
-- objects match protocol's ID_PATTERN (protocol/common.ts; cloud/src/db/ids.test.ts keeps the two
-- texts equal), checked for every new row (NOT VALID: rows stored before are left as they are).
-- The evidence outbox backs failing entries off and remembers the ones it raised an alert for.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_alerts_no_truncate BEFORE TRUNCATE ON evidence_alerts
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
ALTER TABLE sites ADD CONSTRAINT sites_id_pattern
  CHECK (id ~ '^(?=.{1,64}$)[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$') NOT VALID;
--> statement-breakpoint
ALTER TABLE appliances ADD CONSTRAINT appliances_id_pattern
  CHECK (id ~ '^(?=.{1,64}$)[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$') NOT VALID;
--> statement-breakpoint
ALTER TABLE evidence_outbox ADD COLUMN next_attempt_at timestamptz;
--> statement-breakpoint
ALTER TABLE evidence_outbox ADD COLUMN alerted_at timestamptz;
