import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Every key the cloud has signed with, in order (keys/keyring.ts). `previousValidUntil` ends the
 * window of the key before this one; `rotation` is the message, signed by that key, naming this one.
 * Append-only.
 */
export const cloudKeys = pgTable("cloud_keys", {
  keyId: text("key_id").primaryKey(),
  publicKey: text("public_key").notNull().unique(),
  validFrom: timestamp("valid_from", { withTimezone: true, mode: "date" }).notNull(),
  previousValidUntil: timestamp("previous_valid_until", { withTimezone: true, mode: "date" }),
  rotation: jsonb("rotation"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
