-- The chain's high-water check (migration 2600) once per statement instead of once per row. The
-- row trigger upserted the appliance's mark for every bundle (a plpgsql call, an upsert and the
-- mark's own up-only trigger per row: about a third of Postgres's work for an upload of 100
-- bundles). This statement trigger walks the statement's new rows in the order they were inserted
-- and applies the same rule: each row's seq must be above its appliance's mark as the rows before
-- it left it. It takes the mark's row lock with the first row of each run of one appliance's rows
-- (so concurrent inserts still queue, and the later one is refused after the earlier commits), and
-- moves the mark to the run's last seq with one update. Refusals read as the row trigger's did.
--
-- A statement trigger on the parent does not fire for rows inserted into a partition by name: the
-- service therefore holds no INSERT on any partition (db/roles.ts grants partitions SELECT only),
-- so every row it stores passes through here. evidence_verified keeps the row trigger: one row per
-- upload.
CREATE FUNCTION malachor_evidence_chain_seq_above_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  app text;
  top bigint;
  moved integer;
BEGIN
  FOR r IN SELECT a.appliance_id, a.seq FROM added a LOOP
    IF app IS NULL OR r.appliance_id <> app THEN
      IF app IS NOT NULL THEN
        UPDATE evidence_high_water SET seq = top
          WHERE appliance_id = app AND table_name = 'evidence_chain' AND seq < top;
      END IF;
      INSERT INTO evidence_high_water AS w (appliance_id, table_name, seq)
        VALUES (r.appliance_id, 'evidence_chain', r.seq)
        ON CONFLICT (appliance_id, table_name) DO UPDATE SET seq = EXCLUDED.seq WHERE w.seq < EXCLUDED.seq;
      GET DIAGNOSTICS moved = ROW_COUNT;
      IF moved = 0 THEN
        SELECT w.seq INTO top FROM evidence_high_water w
          WHERE w.appliance_id = r.appliance_id AND w.table_name = 'evidence_chain';
        RAISE EXCEPTION 'evidence_chain: appliance % already holds up to #%, so #% cannot be stored (each number once, in order)',
          r.appliance_id, top, r.seq USING ERRCODE = 'unique_violation';
      END IF;
      app := r.appliance_id;
    ELSIF r.seq <= top THEN
      RAISE EXCEPTION 'evidence_chain: appliance % already holds up to #%, so #% cannot be stored (each number once, in order)',
        app, top, r.seq USING ERRCODE = 'unique_violation';
    END IF;
    top := r.seq;
  END LOOP;
  IF app IS NOT NULL THEN
    UPDATE evidence_high_water SET seq = top
      WHERE appliance_id = app AND table_name = 'evidence_chain' AND seq < top;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER evidence_chain_seq_unique ON evidence_chain;
--> statement-breakpoint
CREATE TRIGGER evidence_chain_seq_unique AFTER INSERT ON evidence_chain
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_evidence_chain_seq_above_high_water();
