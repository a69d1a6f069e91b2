import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { Hex64, Id, KeyId, ShortText, SignatureHex } from "./common.ts";

/** A MAC address in lowercase colon form. */
export const MacAddress = v.pipe(
  v.string(),
  v.transform((s) => s.trim().toLowerCase().replaceAll("-", ":")),
  v.regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "must be a MAC address like 00:1a:2b:3c:4d:5e"),
);

/** GET /api/provision/:mac: what an unprovisioned appliance learns about itself. */
export const ProvisionRecord = v.strictObject({
  mac: MacAddress,
  siteId: Id,
  cloudUrl: v.pipe(v.string(), v.url()),
  /** One-time code the appliance presents to enroll. */
  enrollCode: v.pipe(
    v.string(),
    v.regex(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/, "must look like ABCD-EFGH-JKLM-NPQR"),
  ),
  applianceName: v.optional(ShortText),
});
export type ProvisionRecord = v.InferOutput<typeof ProvisionRecord>;

/** POST /api/provision/:mac (admin): register a MAC for a site. */
export const ProvisionCreate = v.strictObject({ siteId: Id, applianceName: v.optional(ShortText) });
export type ProvisionCreate = v.InferOutput<typeof ProvisionCreate>;

/** POST /agent/enroll: exchange a one-time code and a fresh identity key for an API key. */
export const EnrollRequest = v.strictObject({
  enrollCode: v.string(),
  publicKey: Hex64,
  hostname: ShortText,
  mac: v.optional(MacAddress),
  agentVersion: ShortText,
});
export type EnrollRequest = v.InferOutput<typeof EnrollRequest>;

export const EnrollResponse = v.strictObject({
  siteId: Id,
  applianceId: Id,
  apiKey: v.string(),
  /** The cloud's public key for orders, rules, config and plans. */
  cloudPublicKey: Hex64,
});
export type EnrollResponse = v.InferOutput<typeof EnrollResponse>;

/**
 * POST /agent/rekey (API key auth): replace the appliance's Ed25519 identity key. Both keys sign
 * `rekeyMessage(applianceId, publicKey)`: the current one proves the holder of the old identity
 * asked, the new one proves possession. Bundles already stored stay verifiable by the old key.
 */
export const RekeyRequest = v.strictObject({
  publicKey: Hex64,
  oldKeySignature: SignatureHex,
  newKeySignature: SignatureHex,
});
export type RekeyRequest = v.InferOutput<typeof RekeyRequest>;

export const RekeyResponse = v.strictObject({ applianceId: Id, keyId: KeyId });
export type RekeyResponse = v.InferOutput<typeof RekeyResponse>;

/** The bytes both keys sign in a RekeyRequest. */
export function rekeyMessage(applianceId: string, publicKey: string): Uint8Array {
  return canonicalBytes({ purpose: "malachor-rekey/v1", applianceId, publicKey });
}
