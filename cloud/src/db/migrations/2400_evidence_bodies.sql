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
