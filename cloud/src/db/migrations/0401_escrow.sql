-- BitLocker recovery key escrow, envelope-encrypted at rest (see cloud/src/escrow/).
CREATE TABLE escrow_keys (
  id text PRIMARY KEY,
  site_id text NOT NULL,
  appliance_id text NOT NULL,
  host text NOT NULL,
  volume text NOT NULL,
  protector_id text NOT NULL,
  kek_id text NOT NULL,
  wrapped_key text NOT NULL,
  ciphertext text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX escrow_keys_protector_idx ON escrow_keys (site_id, host, volume, protector_id);
