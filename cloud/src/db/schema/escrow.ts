import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * BitLocker recovery keys escrowed by appliances, envelope-encrypted (cloud/src/escrow/envelope.ts):
 * the recovery password exists here only as AES-256-GCM ciphertext under a per-record data key,
 * itself wrapped by the KEK named in kek_id. One row per (site, host, volume, protector).
 */
export const escrowKeys = pgTable(
  "escrow_keys",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    /** The appliance that escrowed it (last). */
    applianceId: text("appliance_id").notNull(),
    host: text("host").notNull(),
    volume: text("volume").notNull(),
    protectorId: text("protector_id").notNull(),
    kekId: text("kek_id").notNull(),
    wrappedKey: text("wrapped_key").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [uniqueIndex("escrow_keys_protector_idx").on(t.siteId, t.host, t.volume, t.protectorId)],
);
