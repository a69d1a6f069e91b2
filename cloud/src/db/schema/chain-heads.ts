import { bigint, bigserial, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { SignedChainHead } from "../../../../protocol/chain-heads.ts";
import { timestamptz } from "./columns.ts";

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
    signedAt: timestamptz("signed_at").notNull(),
    envelope: jsonb("envelope").$type<SignedChainHead>().notNull(),
    receivedAt: timestamptz("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("chain_heads_appliance_seq_idx").on(t.applianceId, t.seq),
    index("chain_heads_site_idx").on(t.siteId),
  ],
);
