-- The latest state per appliance, host and check (issue #24), kept at ingest in the same transaction
-- as the chain rows (cloud/src/evidence/latest-state.ts), so current-state readers (site page,
-- portal, score, MCP) read rows instead of decoding bundle bodies. One row per (appliance, check,
-- host): upserted when a bundle changes it, deleted when the host or check leaves the state; with
-- the bundle that carried it. Not evidence itself (the chain is): rebuilt from the chain whenever
-- evidence_state_heads.through_seq is not the appliance's chain head (rows restored or rebuilt).
CREATE TABLE evidence_latest (
  appliance_id text NOT NULL,
  check_id text NOT NULL,
  host text NOT NULL,
  site_id text NOT NULL,
  seq bigint NOT NULL,
  created_at timestamptz NOT NULL,
  finding jsonb NOT NULL,
  PRIMARY KEY (appliance_id, check_id, host)
);
--> statement-breakpoint
CREATE INDEX evidence_latest_site_idx ON evidence_latest (site_id);
--> statement-breakpoint
-- Per appliance: how far the rows above follow its chain, and the proof head of its change-based
-- (v2) state, against which ingest checks the next state bundle's digest. full_seq: a full
-- check-cycle bundle after that state, whose findings the rows then hold instead.
CREATE TABLE evidence_state_heads (
  appliance_id text PRIMARY KEY,
  site_id text NOT NULL,
  through_seq bigint NOT NULL,
  state_seq bigint,
  digest text,
  count integer,
  full_seq bigint
);
