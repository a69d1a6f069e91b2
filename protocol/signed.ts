import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { KeyId, SignatureHex } from "./common.ts";
import { canonicalHash } from "./hash.ts";
import { keyIdOf, publicKeyOf, sign, verify } from "./sign.ts";

/**
 * A payload signed by a key: `sig` is Ed25519 over the RFC 8785 canonical bytes of `payload`.
 * Used for everything the cloud signs (orders, rule sets, plans, update metadata).
 */
export function Signed<S extends v.GenericSchema>(payload: S) {
  return v.strictObject({ payload, keyId: KeyId, sig: SignatureHex });
}
export interface SignedEnvelope<T> {
  payload: T;
  keyId: string;
  sig: string;
}

/** Sign a payload with a secret key (hex). */
export function signPayload<T>(payload: T, secretKeyHex: string): SignedEnvelope<T> {
  return {
    payload,
    keyId: keyIdOf(publicKeyOf(secretKeyHex)),
    sig: sign(canonicalBytes(payload), secretKeyHex),
  };
}

/** Why a signed envelope was refused. */
export type EnvelopeCheck = { ok: true } | { ok: false; reason: string };

/** Check an envelope's signature against a trusted public key (hex). */
export function verifyEnvelope(env: SignedEnvelope<unknown>, publicKeyHex: string): EnvelopeCheck {
  if (env.keyId !== keyIdOf(publicKeyHex)) {
    return { ok: false, reason: `signed by key ${env.keyId}, not the trusted key ${keyIdOf(publicKeyHex)}` };
  }
  if (!verify(canonicalBytes(env.payload), env.sig, publicKeyHex)) {
    return { ok: false, reason: "signature does not match the payload" };
  }
  return { ok: true };
}

/**
 * The keys a verifier trusts: one public key (hex), or a lookup from a key id to the public key
 * trusted for it now (undefined: not trusted), e.g. an appliance's keyring across rotations.
 */
export type TrustedKeys = string | ((keyId: string) => string | undefined);

/** Check an envelope's signature against the key trusted for its key id. */
export function verifyTrusted(env: SignedEnvelope<unknown>, trusted: TrustedKeys): EnvelopeCheck {
  if (typeof trusted === "string") return verifyEnvelope(env, trusted);
  const key = trusted(env.keyId);
  if (!key) return { ok: false, reason: `signed by key ${env.keyId}, which is not a trusted key` };
  return verifyEnvelope(env, key);
}

/** Hash identifying a signed envelope (over payload, key id and signature). */
export function envelopeHash(env: SignedEnvelope<unknown>): string {
  return canonicalHash(env);
}
