import { bigint, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * MAC → site registrations made by an admin before an appliance boots. The enroll code is a
 * secret for a technician to deliver out of band (USB stick, console) and is single-use
 * (`usedAt`); a zero-touch claim approved for the MAC uses the record up as well.
 */
export const provisions = pgTable("provisions", {
  mac: text("mac").primaryKey(),
  siteId: text("site_id").notNull(),
  applianceName: text("appliance_name"),
  enrollCode: text("enroll_code").notNull().unique(),
  createdAt: timestamptz("created_at").notNull(),
  expiresAt: timestamptz("expires_at").notNull(),
  usedAt: timestamptz("used_at"),
  applianceId: text("appliance_id"),
});

/** A zero-touch enrolment claim: one per (MAC, key), waiting for a technician's decision. */
export const provisionClaims = pgTable(
  "provision_claims",
  {
    id: text("id").primaryKey(),
    mac: text("mac").notNull(),
    siteId: text("site_id").notNull(),
    publicKey: text("public_key").notNull(),
    keyId: text("key_id").notNull(),
    hostname: text("hostname").notNull(),
    agentVersion: text("agent_version").notNull(),
    sourceAddress: text("source_address").notNull(),
    /** The Predecessor declaration sent with the claim (protocol/handover.ts), if any. */
    predecessor: jsonb("predecessor"),
    state: text("state").notNull().$type<"pending" | "approved" | "rejected" | "enrolled" | "superseded">(),
    createdAt: timestamptz("created_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull(),
    /** `at` of the newest signed request accepted: an older or equal one is a replay. */
    lastSignedAt: timestamptz("last_signed_at").notNull(),
    decidedAt: timestamptz("decided_at"),
    decidedBy: text("decided_by"),
    applianceId: text("appliance_id"),
  },
  (t) => [
    uniqueIndex("provision_claims_mac_key_idx").on(t.mac, t.publicKey),
    index("provision_claims_site_idx").on(t.siteId, t.createdAt),
  ],
);

/**
 * An appliance identity whose evidence chain was handed over to a successor at enrolment: the
 * successor's API key may upload the rest of that chain, under the predecessor's id and keys.
 */
export const chainHandovers = pgTable(
  "chain_handovers",
  {
    predecessorId: text("predecessor_id").primaryKey(),
    predecessorSiteId: text("predecessor_site_id").notNull(),
    successorId: text("successor_id").notNull(),
    /** The predecessor's head when its key signed the declaration. */
    declaredSeq: bigint("declared_seq", { mode: "number" }).notNull(),
    declaredHash: text("declared_hash").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("chain_handovers_successor_idx").on(t.successorId)],
);
