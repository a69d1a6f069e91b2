-- Core cloud schema: sites, appliances, keys, admin tokens, audit, evidence chain, orders,
-- provisioning, rule sets, rate limits, job leases. Statements are separated by breakpoint lines
-- because PGlite runs one statement per query (see cloud/README.md).
CREATE TABLE sites (
  id text PRIMARY KEY,
  name text NOT NULL,
  tier text NOT NULL CHECK (tier IN ('essential', 'professional', 'enterprise')),
  config jsonb NOT NULL,
  config_version integer NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE TABLE appliances (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id),
  name text NOT NULL,
  hostname text,
  mac text,
  public_key text NOT NULL,
  key_id text NOT NULL,
  agent_version text,
  last_checkin_at timestamptz,
  last_checkin jsonb,
  chain_seq bigint NOT NULL DEFAULT 0,
  chain_head text NOT NULL,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz
);
--> statement-breakpoint
CREATE INDEX appliances_site_idx ON appliances (site_id);
--> statement-breakpoint
CREATE TABLE appliance_keys (
  key_id text PRIMARY KEY,
  appliance_id text NOT NULL,
  site_id text NOT NULL,
  public_key text NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  appliance_id text NOT NULL,
  site_id text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
--> statement-breakpoint
CREATE INDEX api_keys_appliance_idx ON api_keys (appliance_id);
--> statement-breakpoint
CREATE TABLE admin_tokens (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('msp-admin', 'msp-tech', 'read-only')),
  site_id text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz
);
--> statement-breakpoint
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  site_id text,
  action text NOT NULL,
  target text NOT NULL,
  args_hash text NOT NULL,
  outcome text NOT NULL,
  request_id text
);
--> statement-breakpoint
CREATE INDEX audit_site_idx ON audit_log (site_id, at);
--> statement-breakpoint
CREATE TABLE evidence_chain (
  appliance_id text NOT NULL,
  seq bigint NOT NULL,
  site_id text NOT NULL,
  hash text NOT NULL,
  prev_hash text NOT NULL,
  key_id text NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  object_key text NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (appliance_id, seq)
);
--> statement-breakpoint
CREATE INDEX evidence_site_idx ON evidence_chain (site_id);
--> statement-breakpoint
CREATE TABLE evidence_alerts (
  id bigserial PRIMARY KEY,
  site_id text NOT NULL,
  appliance_id text NOT NULL,
  kind text NOT NULL,
  seq bigint,
  message text NOT NULL,
  detail jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX evidence_alerts_site_idx ON evidence_alerts (site_id, created_at);
--> statement-breakpoint
CREATE TABLE evidence_outbox (
  id bigserial PRIMARY KEY,
  appliance_id text NOT NULL,
  seq bigint NOT NULL,
  object_key text NOT NULL,
  retain_until timestamptz NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
-- WORM: evidence rows and audit rows can be inserted, never changed or removed.
CREATE FUNCTION malachor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_chain_append_only BEFORE UPDATE OR DELETE ON evidence_chain
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_chain_no_truncate BEFORE TRUNCATE ON evidence_chain
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_alerts_append_only BEFORE UPDATE OR DELETE ON evidence_alerts
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TABLE orders (
  id text PRIMARY KEY,
  site_id text NOT NULL,
  appliance_id text NOT NULL,
  type text NOT NULL,
  params jsonb NOT NULL,
  state text NOT NULL,
  nonce text NOT NULL UNIQUE,
  signed jsonb,
  issued_by text NOT NULL,
  reason text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  acked_at timestamptz,
  completed_at timestamptz,
  completion jsonb
);
--> statement-breakpoint
CREATE INDEX orders_appliance_state_idx ON orders (appliance_id, state);
--> statement-breakpoint
CREATE INDEX orders_site_idx ON orders (site_id, created_at);
--> statement-breakpoint
CREATE TABLE provisions (
  mac text PRIMARY KEY,
  site_id text NOT NULL,
  appliance_name text,
  enroll_code text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  appliance_id text
);
--> statement-breakpoint
CREATE TABLE rule_sets (
  id text PRIMARY KEY,
  site_id text,
  version integer NOT NULL,
  rules jsonb NOT NULL,
  published_by text NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX rule_sets_scope_version_idx ON rule_sets (site_id, version);
--> statement-breakpoint
CREATE TABLE rate_limits (
  bucket text NOT NULL,
  window_start bigint NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
--> statement-breakpoint
CREATE TABLE job_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
