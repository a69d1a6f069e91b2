import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Every key the cloud has signed with, in order (keys/keyring.ts). `previousValidUntil` ends the
 * window of the key before this one; `rotation` is the message, signed by that key, naming this one.
 * Append-only.
 */
export const cloudKeys = pgTable("cloud_keys", {
  keyId: text("key_id").primaryKey(),
  publicKey: text("public_key").notNull().unique(),
  validFrom: timestamptz("valid_from").notNull(),
  previousValidUntil: timestamptz("previous_valid_until"),
  rotation: jsonb("rotation"),
  createdAt: timestamptz("created_at").notNull(),
});
