-- The evidence chain index is partitioned by month of `received_at` (issue #24), so retention
-- drops a whole month (a detached table, no DELETE, no vacuum) and vacuum only ever works on the
-- current month. Rows stored before are copied into their months; every month from the oldest row
-- to two months ahead gets a partition, and a DEFAULT partition takes a row no month covers (a clock
-- far off), so an insert is never refused for want of a partition.
--
-- A partitioned table can only enforce uniqueness on keys that include the partition key, so the
-- primary key becomes (appliance_id, seq, received_at) and (appliance_id, seq) is kept unique in
-- another way: `evidence_chain_high_water` holds each appliance's highest stored seq, and every
-- insert must go above it (a row lock on that appliance's mark, so concurrent inserts queue). That
-- is stricter than uniqueness — the chain only ever grows at its head (ingest walks seq = head + 1;
-- rebuild-evidence inserts in sequence) — and it stays one row per appliance, where a table of
-- every (appliance, seq) ever stored would grow with the chain and outlive every dropped month.
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
-- Row triggers on the partitioned table are cloned onto every partition, present and future; a
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
-- One partition per calendar month (UTC) touching [from_at, through_at], named
-- evidence_chain_yYYYYmMM, each created unless it exists. A month of which the DEFAULT partition
-- already holds rows cannot be created (Postgres would have to move them, and they are
-- append-only): it is reported as 'blocked' and its rows stay where they are, still read and
-- guarded like any other. Returns the months created or blocked.
CREATE FUNCTION malachor_evidence_partitions_ensure(from_at timestamptz, through_at timestamptz)
  RETURNS TABLE (month_table text, outcome text) LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  lo timestamptz;
  hi timestamptz;
  part text;
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
    part := 'evidence_chain_' || to_char(lo AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
    IF to_regclass(quote_ident(part)) IS NULL THEN
      IF EXISTS (SELECT 1 FROM evidence_chain_default WHERE received_at >= lo AND received_at < hi) THEN
        month_table := part;
        outcome := 'blocked';
        RETURN NEXT;
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF evidence_chain FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_change()',
          part || '_no_truncate', part);
        month_table := part;
        outcome := 'created';
        RETURN NEXT;
      END IF;
    END IF;
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
-- Detach and drop the month starting `month` once all of it is older than `retention` before now
-- and the outbox has written every object of it. For the owner only (EXECUTE is revoked from
-- PUBLIC, and detaching and dropping need ownership anyway). Returns the rows dropped.
CREATE FUNCTION malachor_evidence_partition_drop(month date, retention interval)
  RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := month::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (month::timestamp + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'evidence_chain_' || to_char(month, '"y"YYYY"m"MM');
  dropped bigint;
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
      part, hi, retention, hi + retention USING ERRCODE = 'object_in_use';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'evidence_chain'::regclass AND c.relname = part
                   AND c.relnamespace = current_schema()::regnamespace) THEN
    RAISE EXCEPTION 'evidence partitions: % is not a partition of evidence_chain', part
      USING ERRCODE = 'undefined_table';
  END IF;
  EXECUTE format('SELECT count(*) FROM evidence_outbox o JOIN %I p ON p.appliance_id = o.appliance_id AND p.seq = o.seq', part)
    INTO queued;
  IF queued > 0 THEN
    RAISE EXCEPTION 'evidence partitions: % objects of % are not in the object store yet (evidence_outbox)', queued, part
      USING ERRCODE = 'object_in_use';
  END IF;
  EXECUTE format('SELECT count(*) FROM %I', part) INTO dropped;
  EXECUTE format('ALTER TABLE evidence_chain DETACH PARTITION %I', part);
  EXECUTE format('DROP TABLE %I', part);
  RETURN dropped;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION malachor_evidence_partition_drop(date, interval) FROM PUBLIC;
--> statement-breakpoint
SELECT count(*) FROM malachor_evidence_partitions_ensure(
  coalesce((SELECT min(received_at) FROM evidence_chain_unpartitioned), now()),
  now() + interval '2 months');
--> statement-breakpoint
INSERT INTO evidence_chain (appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body, size)
  SELECT appliance_id, seq, site_id, hash, prev_hash, key_id, kind, created_at, received_at, object_key, body, size
  FROM evidence_chain_unpartitioned;
--> statement-breakpoint
DROP TABLE evidence_chain_unpartitioned;
--> statement-breakpoint
CREATE TABLE evidence_chain_high_water (
  appliance_id text PRIMARY KEY,
  seq bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO evidence_chain_high_water (appliance_id, seq)
  SELECT appliance_id, max(seq) FROM evidence_chain GROUP BY appliance_id;
--> statement-breakpoint
-- A mark only moves up and is never removed: the service (which updates it through the trigger
-- below) cannot lower it to let a sequence number in twice.
CREATE FUNCTION malachor_refuse_high_water_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.appliance_id = OLD.appliance_id AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'evidence_chain_high_water only moves up: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_chain_high_water_up_only BEFORE UPDATE OR DELETE ON evidence_chain_high_water
  FOR EACH ROW EXECUTE FUNCTION malachor_refuse_high_water_change();
--> statement-breakpoint
CREATE TRIGGER evidence_chain_high_water_no_truncate BEFORE TRUNCATE ON evidence_chain_high_water
  FOR EACH STATEMENT EXECUTE FUNCTION malachor_refuse_high_water_change();
--> statement-breakpoint
CREATE FUNCTION malachor_evidence_seq_above_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved integer;
  top bigint;
BEGIN
  INSERT INTO evidence_chain_high_water AS w (appliance_id, seq) VALUES (NEW.appliance_id, NEW.seq)
    ON CONFLICT (appliance_id) DO UPDATE SET seq = EXCLUDED.seq WHERE w.seq < EXCLUDED.seq;
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved = 0 THEN
    SELECT w.seq INTO top FROM evidence_chain_high_water w WHERE w.appliance_id = NEW.appliance_id;
    RAISE EXCEPTION 'evidence_chain: appliance % already holds bundles up to #%, so #% cannot be stored (a sequence number is stored once, in order)',
      NEW.appliance_id, top, NEW.seq USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evidence_chain_seq_unique BEFORE INSERT ON evidence_chain
  FOR EACH ROW EXECUTE FUNCTION malachor_evidence_seq_above_high_water();
