-- External time anchors of signed checkpoints (anchoring/): RFC 3161 tokens and OpenTimestamps
-- files. Append-only: an upgraded .ots is a new row; the newest row per checkpoint and kind wins.
-- checkpoint_id names a tlog_checkpoints row; no foreign key, so TRUNCATE of that append-only
-- table still meets its own trigger first.
CREATE TABLE checkpoint_anchors (
  id bigserial PRIMARY KEY,
  checkpoint_id bigint NOT NULL,
  site_id text NOT NULL,
  tree_size bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('rfc3161', 'ots')),
  source text NOT NULL,
  proof text NOT NULL,
  complete boolean NOT NULL,
  stamped_at timestamptz,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX checkpoint_anchors_site_idx ON checkpoint_anchors (site_id, kind, id);
--> statement-breakpoint
CREATE INDEX checkpoint_anchors_checkpoint_idx ON checkpoint_anchors (checkpoint_id, kind, id);
--> statement-breakpoint
CREATE TRIGGER checkpoint_anchors_append_only BEFORE UPDATE OR DELETE ON checkpoint_anchors
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER checkpoint_anchors_no_truncate BEFORE TRUNCATE ON checkpoint_anchors
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
