-- Zero-touch enrolment claims (cloud/src/provisioning/claim.ts): an unprovisioned appliance asks
-- for its MAC with a fresh key and waits until a technician approves the claim whose fingerprint
-- matches the appliance's console. Chain hand-overs (cloud/src/provisioning/handover.ts): which
-- appliance may upload the rest of an earlier identity's evidence chain.
CREATE TABLE provision_claims (
  id text PRIMARY KEY,
  mac text NOT NULL,
  site_id text NOT NULL,
  public_key text NOT NULL,
  key_id text NOT NULL,
  hostname text NOT NULL,
  agent_version text NOT NULL,
  source_address text NOT NULL,
  predecessor jsonb,
  state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'enrolled', 'superseded')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  last_signed_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text,
  appliance_id text
);
--> statement-breakpoint
CREATE UNIQUE INDEX provision_claims_mac_key_idx ON provision_claims (mac, public_key);
--> statement-breakpoint
CREATE INDEX provision_claims_site_idx ON provision_claims (site_id, created_at);
--> statement-breakpoint
CREATE TABLE chain_handovers (
  predecessor_id text PRIMARY KEY,
  predecessor_site_id text NOT NULL,
  successor_id text NOT NULL,
  declared_seq bigint NOT NULL,
  declared_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX chain_handovers_successor_idx ON chain_handovers (successor_id);
