-- Retention floors (issue #24): once `malachor_evidence_partition_drop` has dropped a month past the
-- retention, each appliance's stored chain starts at some seq k > 1 whose prev_hash names a bundle
-- no longer held. The floor records where and why: the first retained seq, the hash the bundle there
-- must link to (the stored hash of the last dropped bundle), the month dropped and when. The chain
-- audit, the export and `malachor evidence verify` start each appliance there, so the verdict is
-- "verified from #k" instead of a gap at the start (cloud/src/evidence/retention-floors.ts).
--
-- Written only by the drop itself, in its transaction, before the partition goes: the service may
-- read floors, never write them (db/roles.ts), and nobody changes or removes one (append-only). An
-- appliance's floor only moves up; the highest is the one in force.
CREATE TABLE evidence_retention_floors (
  appliance_id text NOT NULL,
  first_seq bigint NOT NULL,
  site_id text NOT NULL,
  prev_hash text NOT NULL,
  dropped_month date NOT NULL,
  dropped_at timestamptz NOT NULL,
  PRIMARY KEY (appliance_id, first_seq)
);
--> statement-breakpoint
CREATE INDEX evidence_retention_floors_site_idx ON evidence_retention_floors (site_id);
--> statement-breakpoint
CREATE TRIGGER evidence_retention_floors_append_only BEFORE UPDATE OR DELETE ON evidence_retention_floors
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_retention_floors_no_truncate BEFORE TRUNCATE ON evidence_retention_floors
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE FUNCTION malachor_retention_floor_up() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  top bigint;
BEGIN
  SELECT max(f.first_seq) INTO top FROM evidence_retention_floors f WHERE f.appliance_id = NEW.appliance_id;
  IF NEW.first_seq < 2 OR (top IS NOT NULL AND NEW.first_seq <= top) THEN
    RAISE EXCEPTION 'evidence_retention_floors: the floor of % is at #%, so #% cannot be one (a floor only moves up, above #1)',
      NEW.appliance_id, coalesce(top, 1), NEW.first_seq USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_retention_floors_up_only BEFORE INSERT ON evidence_retention_floors
  FOR EACH ROW EXECUTE FUNCTION malachor_retention_floor_up();
--> statement-breakpoint
-- As in migration 2600, and before anything is dropped: for every appliance whose rows the month
-- holds, a floor just above its highest dropped seq, linking to that bundle's stored hash. A month
-- is refused while an appliance still keeps lower-numbered rows in another partition (an older
-- month, or the DEFAULT partition): dropping it would leave those stranded below the floor.
CREATE OR REPLACE FUNCTION malachor_evidence_partition_drop(month date, retention interval)
  RETURNS TABLE (month_table text, dropped bigint) LANGUAGE plpgsql AS $$
DECLARE
  hi timestamptz := (month::timestamp + interval '1 month') AT TIME ZONE 'UTC';
  chain text := 'evidence_chain_' || to_char(month, '"y"YYYY"m"MM');
  verified text := 'evidence_verified_' || to_char(month, '"y"YYYY"m"MM');
  queued bigint;
  a record;
  below bigint;
  site text;
  last_hash text;
BEGIN
  IF month IS NULL OR retention IS NULL THEN
    RAISE EXCEPTION 'evidence partitions: give a month and a retention' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF date_trunc('month', month) <> month THEN
    RAISE EXCEPTION 'evidence partitions: % is not the first day of a month', month
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF retention < interval '1 day' THEN
    RAISE EXCEPTION 'evidence partitions: a retention of % is too short', retention
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF hi > now() - retention THEN
    RAISE EXCEPTION 'evidence partitions: % holds evidence received until %, within the retention of % (it may go after %)',
      chain, hi, retention, hi + retention USING ERRCODE = 'object_in_use';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'evidence_chain'::regclass AND c.relname = chain
                   AND c.relnamespace = current_schema()::regnamespace) THEN
    RAISE EXCEPTION 'evidence partitions: % is not a partition of evidence_chain', chain
      USING ERRCODE = 'undefined_table';
  END IF;
  EXECUTE format('SELECT count(*) FROM evidence_outbox o JOIN %I p ON p.appliance_id = o.appliance_id AND p.seq = o.seq', chain)
    INTO queued;
  IF queued > 0 THEN
    RAISE EXCEPTION 'evidence partitions: % objects of % are not in the object store yet (evidence_outbox)', queued, chain
      USING ERRCODE = 'object_in_use';
  END IF;
  FOR a IN EXECUTE format('SELECT appliance_id, max(seq) AS top FROM %I GROUP BY appliance_id ORDER BY appliance_id', chain)
  LOOP
    SELECT min(c.seq) INTO below FROM evidence_chain c
      WHERE c.appliance_id = a.appliance_id AND c.seq < a.top AND c.tableoid <> chain::regclass;
    IF below IS NOT NULL THEN
      RAISE EXCEPTION 'evidence partitions: % holds bundles of % up to #%, but #% is kept in %: drop the older month first',
        chain, a.appliance_id, a.top, below,
        (SELECT c.tableoid::regclass::text FROM evidence_chain c WHERE c.appliance_id = a.appliance_id AND c.seq = below LIMIT 1)
        USING ERRCODE = 'object_in_use';
    END IF;
    EXECUTE format('SELECT site_id, hash FROM %I WHERE appliance_id = $1 AND seq = $2', chain)
      INTO site, last_hash USING a.appliance_id, a.top;
    INSERT INTO evidence_retention_floors (appliance_id, first_seq, site_id, prev_hash, dropped_month, dropped_at)
      VALUES (a.appliance_id, a.top + 1, site, last_hash, month, now());
  END LOOP;
  FOR month_table IN
    SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent IN ('evidence_chain'::regclass, 'evidence_verified'::regclass)
      AND c.relname IN (chain, verified) AND c.relnamespace = current_schema()::regnamespace
    ORDER BY 1
  LOOP
    EXECUTE format('SELECT count(*) FROM %I', month_table) INTO dropped;
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', regexp_replace(month_table, '_y\d{4}m\d{2}$', ''), month_table);
    EXECUTE format('DROP TABLE %I', month_table);
    RETURN NEXT;
  END LOOP;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION malachor_evidence_partition_drop(date, interval) FROM PUBLIC;
