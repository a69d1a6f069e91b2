-- Cloud-signed records of which signatures ingest verified (evidence/verified-records.ts): the
-- chain audit trusts a record only when its signature is the cloud key's and the chain it walks
-- reaches the recorded hash. Append-only, like the chain itself.
CREATE TABLE evidence_verified (
  appliance_id text NOT NULL,
  through_seq bigint NOT NULL,
  site_id text NOT NULL,
  from_seq bigint NOT NULL,
  through_hash text NOT NULL,
  verified_at timestamptz NOT NULL,
  key_id text NOT NULL,
  sig text NOT NULL,
  PRIMARY KEY (appliance_id, through_seq)
);
--> statement-breakpoint
CREATE INDEX evidence_verified_site_idx ON evidence_verified (site_id);
--> statement-breakpoint
CREATE TRIGGER evidence_verified_append_only BEFORE UPDATE OR DELETE ON evidence_verified
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_verified_no_truncate BEFORE TRUNCATE ON evidence_verified
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
