import * as v from "valibot";
import { Id, NonNegInt, Timestamp } from "../../../protocol/common.ts";
import { MacAddress } from "../../../protocol/provision.ts";
import { DeviceSource, TargetSecret, TargetSpec } from "../../../protocol/targets.ts";

/** POST /api/sites/:siteId/targets: a host and its credential (sealed at once, never stored in clear). */
export const TargetCreate = v.strictObject({ spec: TargetSpec, secret: TargetSecret });
export type TargetCreate = v.InferOutput<typeof TargetCreate>;

/** PUT /api/sites/:siteId/targets/:targetId/credential: a new credential replaces the old everywhere. */
export const CredentialRotate = v.strictObject({ secret: TargetSecret });
export type CredentialRotate = v.InferOutput<typeof CredentialRotate>;

/** A target as the API shows it: no secret, and which appliances hold its current credential. */
export const TargetView = v.strictObject({
  id: Id,
  siteId: Id,
  spec: TargetSpec,
  credentialVersion: NonNegInt,
  /** Appliances of the site holding the current credential, sealed to their key. */
  sealedFor: v.array(Id),
  /** Appliances of the site that cannot open it (no key announced yet, or a newer key): re-enter it. */
  missingFor: v.array(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TargetView = v.InferOutput<typeof TargetView>;

export const TargetList = v.strictObject({ version: NonNegInt, targets: v.array(TargetView) });
export type TargetList = v.InferOutput<typeof TargetList>;

/** A device discovery found, and whether a target already covers it. */
export const DeviceView = v.strictObject({
  key: v.string(),
  mac: v.nullable(MacAddress),
  addresses: v.array(v.string()),
  names: v.array(v.string()),
  osGuess: v.nullable(v.string()),
  sources: v.array(DeviceSource),
  openPorts: v.array(NonNegInt),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  /** The target covering it (by name or address), null when unmanaged. */
  targetId: v.nullable(Id),
});
export type DeviceView = v.InferOutput<typeof DeviceView>;

export const DeviceList = v.strictObject({ devices: v.array(DeviceView) });
export type DeviceList = v.InferOutput<typeof DeviceList>;
