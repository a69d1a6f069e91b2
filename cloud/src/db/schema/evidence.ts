import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Append-only evidence chain: one row per verified bundle, the index of its body in the object
 * store (`object_key`, `size` in bytes of the canonical text, `hash` of it). Rows stored before
 * migration 2400 also hold the body (exactly the canonical JSON that was verified); newer rows leave
 * it null. Read bodies through evidence/bodies.ts. Triggers refuse UPDATE, DELETE and TRUNCATE.
 * Partitioned by month of `received_at` (migration 2600, evidence/partitions.ts), hence the key
 * includes it; (appliance, seq) stays unique through `evidenceHighWater`.
 */
export const evidenceChain = pgTable(
  "evidence_chain",
  {
    applianceId: text("appliance_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    siteId: text("site_id").notNull(),
    hash: text("hash").notNull(),
    prevHash: text("prev_hash").notNull(),
    keyId: text("key_id").notNull(),
    kind: text("kind").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    receivedAt: timestamptz("received_at").notNull(),
    objectKey: text("object_key").notNull(),
    /** Bytes of the canonical text (null on rows stored before migration 2400). */
    size: integer("size"),
    /** The canonical text, on rows stored before migration 2400 only. */
    body: text("body"),
  },
  (t) => [
    primaryKey({ columns: [t.applianceId, t.seq, t.receivedAt] }),
    index("evidence_site_idx").on(t.siteId),
  ],
);

/**
 * Each appliance's highest stored number per partitioned evidence table (`evidence_chain`'s seq,
 * `evidence_verified`'s through_seq). Triggers on those tables move it up at every insert and
 * refuse a row at or below it, which keeps the numbers unique across months; it only ever moves up
 * (migration 2600).
 */
export const evidenceHighWater = pgTable(
  "evidence_high_water",
  {
    applianceId: text("appliance_id").notNull(),
    tableName: text("table_name").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.applianceId, t.tableName] })],
);

/**
 * Where each appliance's stored chain starts once months past the retention are dropped: bundle
 * #firstSeq must link to `prevHash` (the stored hash of the last dropped bundle, #firstSeq − 1).
 * Written only by the owner's `malachor_evidence_partition_drop`, in its transaction before the
 * month goes; the service reads it. Append-only, and an appliance's floor only moves up: the highest
 * is in force (migration 2700, evidence/retention-floors.ts).
 */
export const evidenceRetentionFloors = pgTable(
  "evidence_retention_floors",
  {
    applianceId: text("appliance_id").notNull(),
    firstSeq: bigint("first_seq", { mode: "number" }).notNull(),
    siteId: text("site_id").notNull(),
    prevHash: text("prev_hash").notNull(),
    droppedMonth: date("dropped_month", { mode: "string" }).notNull(),
    droppedAt: timestamptz("dropped_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.applianceId, t.firstSeq] }),
    index("evidence_retention_floors_site_idx").on(t.siteId),
  ],
);

/**
 * Chain problems seen at ingest (gap, fork, bad link, bad signature) and evidence objects the store
 * would not take: recorded, never silently dropped. Append-only.
 */
export const evidenceAlerts = pgTable(
  "evidence_alerts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    siteId: text("site_id").notNull(),
    applianceId: text("appliance_id").notNull(),
    kind: text("kind").notNull(),
    seq: bigint("seq", { mode: "number" }),
    message: text("message").notNull(),
    detail: jsonb("detail").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("evidence_alerts_site_idx").on(t.siteId, t.createdAt)],
);

/**
 * Objects still to be written to the object store, added in the same transaction as the chain row,
 * with the body (null on entries queued before migration 2400, whose chain row holds it) until the
 * store has confirmed the object.
 */
export const evidenceOutbox = pgTable("evidence_outbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  applianceId: text("appliance_id").notNull(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  objectKey: text("object_key").notNull(),
  body: text("body"),
  retainUntil: timestamptz("retain_until").notNull(),
  attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
  lastError: text("last_error"),
  createdAt: timestamptz("created_at").notNull(),
  /** A failed entry waits until then (backoff); null: due now. */
  nextAttemptAt: timestamptz("next_attempt_at"),
  /** When an evidence alert was raised for this entry (it failed for good or too often). */
  alertedAt: timestamptz("alerted_at"),
});

/**
 * What the cloud vouches for: "every signature of this appliance's bundles #fromSeq–#throughSeq
 * was verified with node:crypto at ingest, and #throughSeq hashes to throughHash", signed with the
 * cloud's key (see evidence/verified-records.ts). One row per upload that stored bundles; the
 * chain audit reads the latest one per appliance. Append-only like the chain. Partitioned by month
 * of `verified_at` like the chain (migration 2600); (appliance, throughSeq) stays unique through
 * `evidenceHighWater`.
 */
export const evidenceVerified = pgTable(
  "evidence_verified",
  {
    applianceId: text("appliance_id").notNull(),
    throughSeq: bigint("through_seq", { mode: "number" }).notNull(),
    siteId: text("site_id").notNull(),
    fromSeq: bigint("from_seq", { mode: "number" }).notNull(),
    throughHash: text("through_hash").notNull(),
    verifiedAt: timestamptz("verified_at").notNull(),
    keyId: text("key_id").notNull(),
    sig: text("sig").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.applianceId, t.throughSeq, t.verifiedAt] }),
    index("evidence_verified_site_idx").on(t.siteId),
  ],
);
