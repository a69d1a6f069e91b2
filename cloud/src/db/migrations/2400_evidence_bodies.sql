-- Evidence bodies live in the object store only (issue #24): a chain row is the index of its bundle
-- (appliance, seq, hash, prev hash, signature key, time, size, object key). Rows stored before keep
-- their bodies (the table is append-only, so they stay as they are) and are read as before; new rows
-- leave `body` empty. Until the outbox has written an object, its entry holds the body: the chain row
-- and the entry commit together, and the entry is deleted only once the store has confirmed the
-- object (cloud/src/evidence/outbox.ts), so a crash at any point loses nothing.
ALTER TABLE evidence_chain ALTER COLUMN body DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE evidence_chain ADD COLUMN size integer;
--> statement-breakpoint
ALTER TABLE evidence_outbox ADD COLUMN body text;
--> statement-breakpoint
-- A queued body is evidence already verified: the service may delete the entry once the object is
-- written (the drain does) but never change the body or the key it goes to. Its own function, not
-- malachor_refuse_change(), which would make the outbox append-only (db/roles.ts).
CREATE FUNCTION malachor_refuse_outbox_body_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.body IS DISTINCT FROM OLD.body OR NEW.object_key IS DISTINCT FROM OLD.object_key
     OR NEW.appliance_id IS DISTINCT FROM OLD.appliance_id OR NEW.seq IS DISTINCT FROM OLD.seq THEN
    RAISE EXCEPTION 'evidence_outbox: a queued body and its object key cannot change' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_outbox_body_fixed BEFORE UPDATE ON evidence_outbox
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_outbox_body_change();
