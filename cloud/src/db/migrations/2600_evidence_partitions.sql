-- The evidence chain index and the cloud's records of verified signatures are partitioned by
-- month (issue #24): `evidence_chain` by `received_at`, `evidence_verified` by `verified_at` (the
-- same instant: both are written in ingest's transaction), so retention drops a whole month (a
-- detached table: no DELETE, no vacuum) and vacuum only ever works on the current month. Rows
-- stored before are copied into their months; every month from the oldest row to two months ahead
-- gets a partition, and a DEFAULT partition takes a row no month covers (a clock far off), so an
-- insert is never refused for want of a partition.
--
-- A partitioned table can only enforce uniqueness on keys that include the partition key, so the
-- primary keys gain it, and (appliance_id, seq) — (appliance_id, through_seq) — stay unique in
-- another way: `evidence_high_water` holds each appliance's highest stored number per table, and
-- every insert must go above it (a row lock on that mark, so concurrent inserts queue). That is
-- stricter than uniqueness — a chain only grows at its head (ingest walks seq = head + 1;
-- rebuild-evidence inserts in sequence) and each verified record reaches the new head — and it is
-- one row per appliance, where a table of every (appliance, seq) ever stored would grow with the
-- chain and outlive every dropped month.
--
-- The transparency log's leaves are not partitioned: inclusion and consistency proofs for old
-- checkpoints need the old leaf hashes, so they cannot go by month with the chain.
--
-- Partitions are created by `malachor_evidence_partitions_ensure` (SECURITY DEFINER: the service
-- runs it hourly, cloud/src/evidence/partitions.ts, but owns nothing), and dropped only by the owner
-- with `malachor_evidence_partition_drop` once a month is past the retention (docs/deploy.md §6).
ALTER TABLE evidence_chain RENAME TO evidence_chain_unpartitioned;
--> statement-breakpoint
ALTER TABLE evidence_chain_unpartitioned RENAME CONSTRAINT evidence_chain_pkey TO evidence_chain_unpartitioned_pkey;
--> statement-breakpoint
DROP INDEX evidence_site_idx;
--> statement-breakpoint
ALTER TABLE evidence_verified RENAME TO evidence_verified_unpartitioned;
--> statement-breakpoint
ALTER TABLE evidence_verified_unpartitioned RENAME CONSTRAINT evidence_verified_pkey TO evidence_verified_unpartitioned_pkey;
--> statement-breakpoint
DROP INDEX evidence_verified_site_idx;
--> statement-breakpoint
CREATE TABLE evidence_chain (
  appliance_id text NOT NULL,
  seq bigint NOT NULL,
  site_id text NOT NULL,
  hash text NOT NULL,
  prev_hash text NOT NULL,
  key_id text NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  object_key text NOT NULL,
  body text,
  size integer,
  PRIMARY KEY (appliance_id, seq, received_at)
) PARTITION BY RANGE (received_at);
--> statement-breakpoint
CREATE INDEX evidence_site_idx ON evidence_chain (site_id);
--> statement-breakpoint
CREATE TABLE evidence_chain_default PARTITION OF evidence_chain DEFAULT;
--> statement-breakpoint
CREATE TABLE evidence_verified (
  appliance_id text NOT NULL,
  through_seq bigint NOT NULL,
  site_id text NOT NULL,
  from_seq bigint NOT NULL,
  through_hash text NOT NULL,
  verified_at timestamptz NOT NULL,
  key_id text NOT NULL,
  sig text NOT NULL,
  PRIMARY KEY (appliance_id, through_seq, verified_at)
) PARTITION BY RANGE (verified_at);
--> statement-breakpoint
CREATE INDEX evidence_verified_site_idx ON evidence_verified (site_id);
--> statement-breakpoint
CREATE TABLE evidence_verified_default PARTITION OF evidence_verified DEFAULT;
--> statement-breakpoint
-- Row triggers on a partitioned table are cloned onto every partition, present and future; a
-- statement trigger is not (TRUNCATE of one partition fires only that partition's), so each
-- partition gets its own no-truncate trigger, here and in the function below.
CREATE TRIGGER evidence_chain_append_only BEFORE UPDATE OR DELETE ON evidence_chain
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_chain_no_truncate BEFORE TRUNCATE ON evidence_chain
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_chain_default_no_truncate BEFORE TRUNCATE ON evidence_chain_default
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_verified_append_only BEFORE UPDATE OR DELETE ON evidence_verified
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_verified_no_truncate BEFORE TRUNCATE ON evidence_verified
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_verified_default_no_truncate BEFORE TRUNCATE ON evidence_verified_default
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change();
--> statement-breakpoint
-- One partition per calendar month (UTC) touching [from_at, through_at] of each partitioned evidence
-- table, named <table>_yYYYYmMM, each created unless it exists. A month of which a table's DEFAULT
-- partition already holds rows cannot be created (Postgres would have to move them, and they are
-- append-only): it is reported as 'blocked' and its rows stay where they are, still read and
-- guarded like any other. Returns the tables created or blocked.
CREATE FUNCTION malachor_evidence_partitions_ensure(from_at timestamptz, through_at timestamptz)
  RETURNS TABLE (month_table text, outcome text) LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  lo timestamptz;
  hi timestamptz;
  t text[];
  part text;
  held boolean;
  months integer := 0;
BEGIN
  IF from_at IS NULL OR through_at IS NULL OR through_at < from_at THEN
    RAISE EXCEPTION 'evidence partitions: from % through % is not a range', from_at, through_at
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Rebuild-evidence and the hourly job may ask at once.
  PERFORM pg_advisory_xact_lock(727002);
  lo := date_trunc('month', from_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  WHILE lo <= through_at LOOP
    months := months + 1;
    IF months > 1200 THEN
      RAISE EXCEPTION 'evidence partitions: % through % spans more than 100 years', from_at, through_at
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    hi := ((lo AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    -- (table, its partition key)
    FOREACH t SLICE 1 IN ARRAY ARRAY[['evidence_chain', 'received_at'], ['evidence_verified', 'verified_at']] LOOP
      part := t[1] || '_' || to_char(lo AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
      CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL;
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', t[1] || '_default', t[2], t[2])
        INTO held USING lo, hi;
      month_table := part;
      IF held THEN
        outcome := 'blocked';
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, t[1], lo, hi);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change()',
          part || '_no_truncate', part);
        outcome := 'created';
      END IF;
      RETURN NEXT;
    END LOOP;
    lo := hi;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- A SECURITY DEFINER function resolves names only in this schema (pg_temp last, so the caller's
-- temporary tables cannot stand in for ours); the service is granted EXECUTE by db/roles.ts.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION malachor_evidence_partitions_ensure(timestamptz, timestamptz) SET search_path = %I, pg_temp',
    current_schema());
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION malachor_evidence_partitions_ensure(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- Detach and drop the month starting `month` of both tables once all of it is older than
-- `retention` before now and the outbox has written every object of it. For the owner only
-- (EXECUTE is revoked from PUBLIC, and detaching and dropping need ownership anyway). Returns the
-- tables dropped with their row counts.
CREATE FUNCTION malachor_evidence_partition_drop(month date, retention interval)
  RETURNS TABLE (month_table text, dropped bigint) LANGUAGE plpgsql AS $$
DECLARE
  hi timestamptz := (month::timestamp + interval '1 month') AT TIME ZONE 'UTC';
  chain text := 'evidence_chain_' || to_char(month, '"y"YYYY"m"MM');
  verified text := 'evidence_verified_' || to_char(month, '"y"YYYY"m"MM');
  queued bigint;
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
--> statement-breakpoint
SELECT count(*) FROM malachor_evidence_partitions_ensure(
  least((SELECT min(received_at) FROM evidence_chain_unpartitioned),
        (SELECT min(verified_at) FROM evidence_verified_unpartitioned), now()),
  now() + interval '2 months');
--> statement-breakpoint
INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body, size)
  SELECT appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body, size
  FROM evidence_chain_unpartitioned;
--> statement-breakpoint
DROP TABLE evidence_chain_unpartitioned;
--> statement-breakpoint
INSERT INTO evidence_verified (appliance_id, through_seq, site_id, from_seq, through_hash, verified_at, key_id, sig)
  SELECT appliance_id, through_seq, site_id, from_seq, through_hash, verified_at, key_id, sig
  FROM evidence_verified_unpartitioned;
--> statement-breakpoint
DROP TABLE evidence_verified_unpartitioned;
--> statement-breakpoint
CREATE TABLE evidence_high_water (
  appliance_id text NOT NULL,
  table_name text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (appliance_id, table_name)
);
--> statement-breakpoint
INSERT INTO evidence_high_water (appliance_id, table_name, seq)
  SELECT appliance_id, 'evidence_chain', max(seq) FROM evidence_chain GROUP BY appliance_id
  UNION ALL
  SELECT appliance_id, 'evidence_verified', max(through_seq) FROM evidence_verified GROUP BY appliance_id;
--> statement-breakpoint
-- A mark only moves up and is never removed: the service (which moves it through the trigger
-- below) cannot lower it to let a number in twice.
CREATE FUNCTION malachor_refuse_high_water_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.appliance_id = OLD.appliance_id AND NEW.table_name = OLD.table_name
     AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'evidence_high_water only moves up: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_high_water_up_only BEFORE UPDATE OR DELETE ON evidence_high_water
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_high_water_change();
--> statement-breakpoint
CREATE TRIGGER evidence_high_water_no_truncate BEFORE TRUNCATE ON evidence_high_water
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_high_water_change();
--> statement-breakpoint
-- Arguments: the partitioned table (the mark's table_name) and its sequence column.
CREATE FUNCTION malachor_evidence_seq_above_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
  moved integer;
  top bigint;
BEGIN
  INSERT INTO evidence_high_water AS w (appliance_id, table_name, seq) VALUES (NEW.appliance_id, TG_ARGV[0], n)
    ON CONFLICT (appliance_id, table_name) DO UPDATE SET seq = EXCLUDED.seq WHERE w.seq < EXCLUDED.seq;
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved = 0 THEN
    SELECT w.seq INTO top FROM evidence_high_water w WHERE w.appliance_id = NEW.appliance_id AND w.table_name = TG_ARGV[0];
    RAISE EXCEPTION '%: appliance % already holds up to #%, so #% cannot be stored (each number once, in order)',
      TG_ARGV[0], NEW.appliance_id, top, n USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_chain_seq_unique BEFORE INSERT ON evidence_chain
  FOR EACH ROW EXECUTE FUNCTION malachor_evidence_seq_above_high_water('evidence_chain', 'seq');
--> statement-breakpoint
CREATE TRIGGER evidence_verified_seq_unique BEFORE INSERT ON evidence_verified
  FOR EACH ROW EXECUTE FUNCTION malachor_evidence_seq_above_high_water('evidence_verified', 'through_seq');
