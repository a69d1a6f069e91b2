-- Each site's RFC 6962 Merkle log (transparency/): leaves in log order, complete interior nodes,
-- and the head row that serialises appends. Leaves and nodes are append-only, like the chain.
CREATE TABLE tlog_leaves (
  site_id text NOT NULL,
  idx bigint NOT NULL,
  bundle_hash text NOT NULL,
  appliance_id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (site_id, idx)
);
--> statement-breakpoint
CREATE UNIQUE INDEX tlog_leaves_bundle_idx ON tlog_leaves (appliance_id, seq);
--> statement-breakpoint
CREATE INDEX tlog_leaves_hash_idx ON tlog_leaves (site_id, bundle_hash);
--> statement-breakpoint
CREATE TRIGGER tlog_leaves_append_only BEFORE UPDATE OR DELETE ON tlog_leaves
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER tlog_leaves_no_truncate BEFORE TRUNCATE ON tlog_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TABLE tlog_nodes (
  site_id text NOT NULL,
  level integer NOT NULL CHECK (level >= 1),
  idx bigint NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (site_id, level, idx)
);
--> statement-breakpoint
CREATE TRIGGER tlog_nodes_append_only BEFORE UPDATE OR DELETE ON tlog_nodes
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER tlog_nodes_no_truncate BEFORE TRUNCATE ON tlog_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TABLE tlog_heads (
  site_id text PRIMARY KEY,
  size bigint NOT NULL,
  root text NOT NULL,
  frontier jsonb NOT NULL
);
