import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { Hex64, Id, KeyId, NonNegInt, ShortText, SignatureHex, Timestamp } from "./common.ts";
import { Predecessor } from "./handover.ts";
import { keyIdOf, sign, verify } from "./sign.ts";

/** A MAC address in lowercase colon form. */
export const MacAddress = v.pipe(
  v.string(),
  v.transform((s) => s.trim().toLowerCase().replaceAll("-", ":")),
  v.regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "must be a MAC address like 00:1a:2b:3c:4d:5e"),
);

/** A one-time enroll code, ABCD-EFGH-JKLM-NPQR: a secret, only ever shown to an authenticated admin. */
export const EnrollCode = v.pipe(
  v.string(),
  v.regex(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/, "must look like ABCD-EFGH-JKLM-NPQR"),
);

/**
 * GET/POST /api/provision/:mac (admin, msp-tech): a MAC registered for a site. The one-time code
 * is for a technician to deliver out of band (USB stick, typed at the console); the appliance is
 * never sent it.
 */
export const ProvisionRecord = v.strictObject({
  mac: MacAddress,
  siteId: Id,
  cloudUrl: v.pipe(v.string(), v.url()),
  enrollCode: EnrollCode,
  applianceName: v.optional(ShortText),
});
export type ProvisionRecord = v.InferOutput<typeof ProvisionRecord>;

/** POST /api/provision/:mac (admin): register a MAC for a site. */
export const ProvisionCreate = v.strictObject({ siteId: Id, applianceName: v.optional(ShortText) });
export type ProvisionCreate = v.InferOutput<typeof ProvisionCreate>;

/**
 * How a person compares an identity key between the appliance's console or status page and the
 * dashboard: its key id (the first 64 bits of the public key's SHA-256) in four groups.
 */
export function keyFingerprint(publicKeyHex: string): string {
  return keyIdOf(publicKeyHex).match(/.{4}/g)!.join("-");
}

/** A key fingerprint as typed by a technician (any case, dashes optional). */
export const Fingerprint = v.pipe(
  v.string(),
  v.transform((s) => s.trim().toLowerCase().replaceAll(/[\s-]/g, "")),
  v.regex(/^[0-9a-f]{16}$/, "must be the 16 hex digits shown on the appliance, e.g. 3f9a-77c2-0b1e-9d44"),
  v.transform((s) => s.match(/.{4}/g)!.join("-")),
);

// What every enrolment request carries: the fresh identity key it enrols, signed by that key, so
// only its holder can enrol it or collect the API key issued for it.
const signedEntries = {
  publicKey: Hex64,
  hostname: ShortText,
  agentVersion: ShortText,
  /** When the appliance signed the request; the cloud refuses stale and replayed ones. */
  at: Timestamp,
  /** The chain this appliance carries from an earlier identity (protocol/handover.ts). */
  predecessor: v.optional(Predecessor),
  /** Ed25519 signature by `publicKey` over `requestSigningBytes`. */
  signature: SignatureHex,
};

/** POST /agent/enroll: a one-time code delivered out of band and a fresh identity key → an API key. */
export const EnrollRequest = v.strictObject({
  enrollCode: v.pipe(v.string(), v.maxLength(64)),
  mac: v.optional(MacAddress),
  ...signedEntries,
});
export type EnrollRequest = v.InferOutput<typeof EnrollRequest>;

/**
 * POST /api/provision/:mac/claim (no credentials): zero-touch enrolment. The first request for a
 * registered MAC opens a claim that waits until a technician approves it in the dashboard, having
 * compared the key's fingerprint with the appliance's console; the same request repeated later
 * answers 202 while it waits and the EnrollResponse (200) once approved.
 */
export const ClaimRequest = v.strictObject(signedEntries);
export type ClaimRequest = v.InferOutput<typeof ClaimRequest>;

type Unsigned<T> = Omit<T, "signature">;

/** The bytes an enrolment request's `signature` covers: the request without it, bound to its purpose and MAC. */
export function requestSigningBytes(
  r:
    | { kind: "enroll"; body: Unsigned<EnrollRequest> }
    | { kind: "claim"; mac: string; body: Unsigned<ClaimRequest> },
): Uint8Array {
  return r.kind === "enroll"
    ? canonicalBytes({ purpose: "malachor-enroll/v1", ...r.body })
    : canonicalBytes({ purpose: "malachor-claim/v1", mac: r.mac, ...r.body });
}

/** Sign an enrolment request with the secret key of its `publicKey`. */
export function signEnroll(body: Unsigned<EnrollRequest>, secretKeyHex: string): EnrollRequest {
  return { ...body, signature: sign(requestSigningBytes({ kind: "enroll", body }), secretKeyHex) };
}

/** Sign a claim for `mac` with the secret key of its `publicKey`. */
export function signClaim(mac: string, body: Unsigned<ClaimRequest>, secretKeyHex: string): ClaimRequest {
  return { ...body, signature: sign(requestSigningBytes({ kind: "claim", mac, body }), secretKeyHex) };
}

/** True when an enrolment request or claim is signed by the key it enrols. */
export function verifyRequestSignature(
  r: { kind: "enroll"; body: EnrollRequest } | { kind: "claim"; mac: string; body: ClaimRequest },
): boolean {
  const { signature, ...body } = r.body;
  const bytes =
    r.kind === "enroll"
      ? requestSigningBytes({ kind: "enroll", body: body as Unsigned<EnrollRequest> })
      : requestSigningBytes({ kind: "claim", mac: r.mac, body });
  return verify(bytes, signature, r.body.publicKey);
}

/** 202 answer to a claim still waiting for a technician. Carries nothing secret. */
export const ClaimPending = v.strictObject({
  state: v.literal("pending"),
  claimId: Id,
  fingerprint: v.string(),
  expiresAt: Timestamp,
});
export type ClaimPending = v.InferOutput<typeof ClaimPending>;

export const EnrollResponse = v.strictObject({
  siteId: Id,
  applianceId: Id,
  apiKey: v.string(),
  /** The cloud's public key for orders, rules, config and plans. */
  cloudPublicKey: Hex64,
});
export type EnrollResponse = v.InferOutput<typeof EnrollResponse>;

/** Where a claim stands. */
export const ClaimState = v.picklist(["pending", "approved", "rejected", "enrolled", "superseded"]);
export type ClaimState = v.InferOutput<typeof ClaimState>;

/** A claim as the dashboard and GET /api/provision-claims show it (msp-tech). */
export const ClaimView = v.strictObject({
  id: Id,
  mac: MacAddress,
  siteId: Id,
  state: ClaimState,
  fingerprint: v.string(),
  keyId: KeyId,
  publicKey: Hex64,
  hostname: ShortText,
  agentVersion: ShortText,
  /** The network address the claim came from, as the cloud saw it. */
  sourceAddress: ShortText,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  decidedAt: v.nullable(Timestamp),
  decidedBy: v.nullable(ShortText),
  applianceId: v.nullable(Id),
  /** The chain the appliance carries from an earlier identity, if any. */
  predecessor: v.nullable(v.strictObject({ siteId: Id, applianceId: Id, headSeq: NonNegInt })),
});
export type ClaimView = v.InferOutput<typeof ClaimView>;

export const ClaimList = v.strictObject({ claims: v.array(ClaimView) });
export type ClaimList = v.InferOutput<typeof ClaimList>;

/** POST /api/provision-claims/:claimId/approve: the fingerprint the technician read on the appliance. */
export const ClaimApprove = v.strictObject({ fingerprint: Fingerprint });
export type ClaimApprove = v.InferOutput<typeof ClaimApprove>;

/** POST /api/provision-claims/:claimId/reject. */
export const ClaimReject = v.strictObject({ reason: v.optional(ShortText) });
export type ClaimReject = v.InferOutput<typeof ClaimReject>;

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
