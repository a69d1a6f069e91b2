import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import type { SealedSecret } from "../../../../protocol/seal.ts";
import type { DeviceSource, TargetSpec } from "../../../../protocol/targets.ts";
import { timestamptz } from "./columns.ts";
import { sites } from "./sites.ts";

/** The X25519 key an appliance announced (signed by its identity key); credentials are sealed to it. */
export const applianceSealKeys = pgTable("appliance_seal_keys", {
  applianceId: text("appliance_id").primaryKey(),
  siteId: text("site_id").notNull(),
  publicKey: text("public_key").notNull(),
  keyId: text("key_id").notNull(),
  signature: text("signature").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

/** A host the site's appliances manage, entered in the cloud. Its credential is never stored in clear. */
export const targets = pgTable("targets", {
  id: text("id").primaryKey(),
  siteId: text("site_id")
    .notNull()
    .references(() => sites.id),
  kind: text("kind").notNull().$type<TargetSpec["kind"]>(),
  host: text("host").notNull(),
  spec: jsonb("spec").notNull().$type<TargetSpec>(),
  credentialVersion: integer("credential_version").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

/** A target's credential sealed to one appliance (one row per appliance; rotation replaces it). */
export const targetCredentials = pgTable(
  "target_credentials",
  {
    targetId: text("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    applianceId: text("appliance_id").notNull(),
    version: integer("version").notNull(),
    sealed: jsonb("sealed").notNull().$type<SealedSecret>(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.targetId, t.applianceId] })],
);

/** The version of a site's targets, bumped by every change; appliances sync when it moved. */
export const siteTargets = pgTable("site_targets", {
  siteId: text("site_id")
    .primaryKey()
    .references(() => sites.id),
  version: integer("version").notNull(),
});

/** A device discovery found on a site's network, keyed by MAC (else `ip:<address>`). */
export const discoveredDevices = pgTable(
  "discovered_devices",
  {
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id),
    deviceKey: text("device_key").notNull(),
    mac: text("mac"),
    addresses: jsonb("addresses").notNull().$type<string[]>(),
    names: jsonb("names").notNull().$type<string[]>(),
    osGuess: text("os_guess"),
    sources: jsonb("sources").notNull().$type<DeviceSource[]>(),
    openPorts: jsonb("open_ports").notNull().$type<number[]>(),
    reportedBy: text("reported_by").notNull(),
    firstSeenAt: timestamptz("first_seen_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.deviceKey] })],
);
