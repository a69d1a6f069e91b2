import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * The leaves of each site's RFC 6962 log, in log order: leaf `idx` is the bundle whose chain hash is
 * `bundleHash` (its 32 bytes are the leaf data). Append-only.
 */
export const tlogLeaves = pgTable(
  "tlog_leaves",
  {
    siteId: text("site_id").notNull(),
    idx: bigint("idx", { mode: "number" }).notNull(),
    bundleHash: text("bundle_hash").notNull(),
    applianceId: text("appliance_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.idx] }),
    uniqueIndex("tlog_leaves_bundle_idx").on(t.applianceId, t.seq),
    index("tlog_leaves_hash_idx").on(t.siteId, t.bundleHash),
  ],
);

/**
 * Every complete interior node of each site's log (level ≥ 1, `idx` from the left), written once
 * when the leaf that completes it arrives, so proofs read O(log n) rows. Append-only.
 */
export const tlogNodes = pgTable(
  "tlog_nodes",
  {
    siteId: text("site_id").notNull(),
    level: integer("level").notNull(),
    idx: bigint("idx", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.level, t.idx] })],
);

/**
 * Each site's log head: its size, root and right edge (the perfect subtrees an append needs). The
 * row is the lock that orders appends to one site across cloud instances.
 */
export const tlogHeads = pgTable("tlog_heads", {
  siteId: text("site_id").primaryKey(),
  size: bigint("size", { mode: "number" }).notNull(),
  root: text("root").notNull(),
  frontier: jsonb("frontier").$type<string[]>().notNull(),
});

/**
 * Signed checkpoints of each site's log: the C2SP signed note exactly as served (origin, size, base64
 * root; signed with the cloud's key named `keyId`), newest last. Append-only.
 */
export const tlogCheckpoints = pgTable(
  "tlog_checkpoints",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    siteId: text("site_id").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    root: text("root").notNull(),
    note: text("note").notNull(),
    keyId: text("key_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("tlog_checkpoints_site_idx").on(t.siteId, t.id)],
);
