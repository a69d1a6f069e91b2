-- The compliance program (cloud/src/program/): each site's program chain of records (risk
-- assessment, policies, acknowledgements, BAAs, training, exceptions), each an evidence bundle
-- signed by the cloud's key and linked to the one before; append-only like the evidence chain.
CREATE TABLE program_chain (
  site_id text NOT NULL,
  seq bigint NOT NULL,
  hash text NOT NULL,
  prev_hash text NOT NULL,
  key_id text NOT NULL,
  record_type text NOT NULL,
  created_at timestamptz NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (site_id, seq)
);
--> statement-breakpoint
CREATE TRIGGER program_chain_append_only BEFORE UPDATE OR DELETE ON program_chain
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER program_chain_no_truncate BEFORE TRUNCATE ON program_chain
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
-- Reminders already sent (one per site, due item and day), so a restarted or second cloud
-- instance does not send them twice.
CREATE TABLE program_reminders (
  site_id text NOT NULL,
  item_key text NOT NULL,
  day text NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (site_id, item_key, day)
);
