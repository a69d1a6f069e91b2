import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Each site's compliance-program chain: one row per record, `body` the canonical text of the
 * evidence bundle (applianceId "program") that carries it, signed by the cloud key. Append-only.
 */
export const programChain = pgTable(
  "program_chain",
  {
    siteId: text("site_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    prevHash: text("prev_hash").notNull(),
    keyId: text("key_id").notNull(),
    recordType: text("record_type").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.seq] })],
);

/** Reminders sent, one per site, due item and day. */
export const programReminders = pgTable(
  "program_reminders",
  {
    siteId: text("site_id").notNull(),
    itemKey: text("item_key").notNull(),
    day: text("day").notNull(),
    sentAt: timestamptz("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.itemKey, t.day] })],
);
