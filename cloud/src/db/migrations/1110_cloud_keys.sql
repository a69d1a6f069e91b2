-- Every key the cloud has signed with (cloud/src/keys/keyring.ts): the first one registered at
-- start, each later one by a rotation its predecessor signed. Append-only: a key's window ends where
-- its successor's row says (previous_valid_until), so no row is ever changed.
CREATE TABLE cloud_keys (
  key_id text PRIMARY KEY,
  public_key text NOT NULL UNIQUE,
  valid_from timestamptz NOT NULL,
  previous_valid_until timestamptz,
  rotation jsonb,
  created_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER cloud_keys_append_only BEFORE UPDATE OR DELETE ON cloud_keys
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER cloud_keys_no_truncate BEFORE TRUNCATE ON cloud_keys
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
