import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { sites } from "./sites.ts";

/**
 * An enrolled appliance. The chain head (seq + hash) is kept here so ingest can lock the row
 * (`FOR UPDATE`) and read the head in one step; the chain rows themselves are append-only.
 */
export const appliances = pgTable(
  "appliances",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id),
    name: text("name").notNull(),
    hostname: text("hostname"),
    mac: text("mac"),
    /** Ed25519 identity public key (hex) and its key id. */
    publicKey: text("public_key").notNull(),
    keyId: text("key_id").notNull(),
    agentVersion: text("agent_version"),
    lastCheckinAt: timestamptz("last_checkin_at"),
    /** The last CheckinRequest as sent. */
    lastCheckin: jsonb("last_checkin"),
    chainSeq: bigint("chain_seq", { mode: "number" }).notNull().default(0),
    chainHead: text("chain_head").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    /** Set by delete-appliance: keys stop working, evidence stays. */
    deletedAt: timestamptz("deleted_at"),
  },
  (t) => [index("appliances_site_idx").on(t.siteId)],
);

/** Identity public keys an appliance has used (kept after rotation so old evidence still verifies). */
export const applianceKeys = pgTable(
  "appliance_keys",
  {
    keyId: text("key_id").primaryKey(),
    applianceId: text("appliance_id").notNull(),
    siteId: text("site_id").notNull(),
    publicKey: text("public_key").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("appliance_keys_appliance_idx").on(t.applianceId)],
);

/** Per-appliance API keys, stored as SHA-256 of the high-entropy key; rotatable and revocable. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull().unique(),
    applianceId: text("appliance_id").notNull(),
    siteId: text("site_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("api_keys_appliance_idx").on(t.applianceId)],
);

export type ApplianceRow = typeof appliances.$inferSelect;
