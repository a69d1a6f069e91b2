-- Chain heads the appliances signed at check-in (evidence/chain-heads.ts): append-only, like the chain.
CREATE TABLE chain_heads (
  id bigserial PRIMARY KEY,
  site_id text NOT NULL,
  appliance_id text NOT NULL,
  seq bigint NOT NULL,
  hash text NOT NULL,
  signed_at timestamptz NOT NULL,
  envelope jsonb NOT NULL,
  received_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX chain_heads_appliance_seq_idx ON chain_heads (appliance_id, seq);
--> statement-breakpoint
CREATE INDEX chain_heads_site_idx ON chain_heads (site_id);
--> statement-breakpoint
CREATE TRIGGER chain_heads_append_only BEFORE UPDATE OR DELETE ON chain_heads
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER chain_heads_no_truncate BEFORE TRUNCATE ON chain_heads
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
