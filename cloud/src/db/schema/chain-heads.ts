import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { SignedChainHead } from "../../../../protocol/chain-heads.ts";

/**
 * Chain heads appliances signed at check-in (seq, bundle hash, time; the signed envelope as sent),
 * one per appliance and sequence. Append-only: the export carries the latest one its bundles cover.
 */
export const chainHeads = pgTable(
  "chain_heads",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    siteId: text("site_id").notNull(),
    applianceId: text("appliance_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    signedAt: timestamp("signed_at", { withTimezone: true, mode: "date" }).notNull(),
    envelope: jsonb("envelope").$type<SignedChainHead>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("chain_heads_appliance_seq_idx").on(t.applianceId, t.seq),
    index("chain_heads_site_idx").on(t.siteId),
  ],
);
