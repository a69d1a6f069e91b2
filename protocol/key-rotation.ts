import * as v from "valibot";
import { Hex64, KeyId, Timestamp } from "./common.ts";
import { keyIdOf } from "./sign.ts";
import { type EnvelopeCheck, Signed, type SignedEnvelope, verifyEnvelope } from "./signed.ts";

/**
 * Rotation of the cloud's signing key (it signs orders, rule sets, site config, plans, releases and
 * the sites' log checkpoints). The key being replaced signs the message naming its successor, so an
 * appliance moves its trust only along a chain that starts at the key it was enrolled with. The old
 * key's signatures stay valid until `previousValidUntil` (the overlap: what it signed just before
 * the rotation, and instances not yet restarted, keep working).
 */
export const KeyRotation = v.strictObject({
  purpose: v.literal("malachor-cloud-key-rotation/v1"),
  previousKeyId: KeyId,
  keyId: KeyId,
  publicKey: Hex64,
  /** When the new key starts signing. */
  validFrom: Timestamp,
  /** Until when signatures by the previous key are still accepted. */
  previousValidUntil: Timestamp,
});
export type KeyRotation = v.InferOutput<typeof KeyRotation>;

/** A rotation, signed by the previous key. */
export const SignedKeyRotation = Signed(KeyRotation);
export type SignedKeyRotation = v.InferOutput<typeof SignedKeyRotation>;

/** One cloud key with the window it is valid in (`validUntil` null: the current key). */
export const CloudKeyView = v.strictObject({
  keyId: KeyId,
  publicKey: Hex64,
  validFrom: Timestamp,
  validUntil: v.nullable(Timestamp),
  /** The rotation that introduced it (null for the first key). */
  rotation: v.nullable(SignedKeyRotation),
});
export type CloudKeyView = v.InferOutput<typeof CloudKeyView>;

/** GET /api/keys/cloud: the current key, and every key the cloud has signed with, oldest first. */
export const CloudKeyList = v.strictObject({
  keyId: KeyId,
  publicKey: Hex64,
  keys: v.array(CloudKeyView),
});
export type CloudKeyList = v.InferOutput<typeof CloudKeyList>;

/**
 * Check a rotation against the key trusted until now: signed by it, naming it as the previous key,
 * and naming the key id of the public key it introduces.
 */
export function verifyRotation(rot: SignedEnvelope<KeyRotation>, previousPublicKey: string): EnvelopeCheck {
  const p = rot.payload;
  if (p.previousKeyId !== keyIdOf(previousPublicKey)) {
    return {
      ok: false,
      reason: `it replaces key ${p.previousKeyId}, not the trusted key ${keyIdOf(previousPublicKey)}`,
    };
  }
  if (p.keyId !== keyIdOf(p.publicKey))
    return { ok: false, reason: `key id ${p.keyId} is not its public key's` };
  if (Date.parse(p.previousValidUntil) < Date.parse(p.validFrom)) {
    return { ok: false, reason: "the previous key's overlap ends before the new key starts" };
  }
  const sig = verifyEnvelope(rot, previousPublicKey);
  return sig.ok ? sig : { ok: false, reason: `not signed by the trusted key: ${sig.reason}` };
}
