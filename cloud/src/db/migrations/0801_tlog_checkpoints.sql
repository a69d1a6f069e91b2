-- Signed checkpoints of each site's log (transparency/checkpoints.ts): append-only, like the log.
CREATE TABLE tlog_checkpoints (
  id bigserial PRIMARY KEY,
  site_id text NOT NULL,
  size bigint NOT NULL,
  root text NOT NULL,
  note text NOT NULL,
  key_id text NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX tlog_checkpoints_site_idx ON tlog_checkpoints (site_id, id);
--> statement-breakpoint
CREATE TRIGGER tlog_checkpoints_append_only BEFORE UPDATE OR DELETE ON tlog_checkpoints
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
