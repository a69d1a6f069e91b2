import { bigint, bigserial, boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * External time anchors of signed checkpoints: `rfc3161` rows hold a TSA's TimeStampToken (DER,
 * base64) over the checkpoint's note; `ots` rows an OpenTimestamps detached file (base64), a new
 * row each time an upgrade completes it. Append-only.
 */
export const checkpointAnchors = pgTable(
  "checkpoint_anchors",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The `tlog_checkpoints` row anchored. */
    checkpointId: bigint("checkpoint_id", { mode: "number" }).notNull(),
    siteId: text("site_id").notNull(),
    treeSize: bigint("tree_size", { mode: "number" }).notNull(),
    kind: text("kind").$type<"rfc3161" | "ots">().notNull(),
    /** The TSA URL, or "opentimestamps". */
    source: text("source").notNull(),
    proof: text("proof").notNull(),
    /** rfc3161: always; ots: it holds a Bitcoin block header attestation. */
    complete: boolean("complete").notNull(),
    /** The time the TSA vouches for (rfc3161 only). */
    stampedAt: timestamptz("stamped_at"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [
    index("checkpoint_anchors_site_idx").on(t.siteId, t.kind, t.id),
    index("checkpoint_anchors_checkpoint_idx").on(t.checkpointId, t.kind, t.id),
  ],
);
