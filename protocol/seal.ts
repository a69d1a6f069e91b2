/**
 * Secrets sealed to an appliance: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM, through @hpke/core. The cloud seals a credential to the X25519 key the
 * appliance made at provisioning; only that appliance can open it. The associated data binds the
 * ciphertext to the site, appliance, target and credential version, so a sealed secret moved to
 * another target or replayed as another version fails to open.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import type { CipherSuite } from "@hpke/core";
import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { Hex64, KeyId } from "./common.ts";
import { sha256Hex } from "./hash.ts";

/** The one suite, named on the wire so a later suite can sit beside it. */
export const SEAL_SUITE = "hpke-x25519-hkdfsha256-aes256gcm";
const INFO = new TextEncoder().encode("malachor sealed credential v1");

// @hpke/core is loaded at the first seal or open: an appliance whose targets all come from its
// config file never holds it (bench/rss.bench.ts).
let suiteLoaded: Promise<CipherSuite> | undefined;
const hpke = () => {
  suiteLoaded ??= import("@hpke/core").then(
    ({ Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 }) =>
      new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() }),
  );
  return suiteLoaded;
};

// DER prefixes of X25519 (OID 1.3.101.110) PKCS#8 and SubjectPublicKeyInfo keys; the raw 32 bytes follow.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

const Base64 = (max: number) =>
  v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"));

/** A secret sealed to one appliance's X25519 key. */
export const SealedSecret = v.strictObject({
  suite: v.literal(SEAL_SUITE),
  /** Key id (first 16 hex of SHA-256) of the X25519 public key it is sealed to. */
  keyId: KeyId,
  /** The HPKE encapsulated key. */
  enc: Base64(64),
  /** AES-256-GCM ciphertext with its tag. */
  ct: Base64(32_768),
});
export type SealedSecret = v.InferOutput<typeof SealedSecret>;

/** What a sealed secret is bound to (its associated data). */
export interface SealBinding {
  siteId: string;
  applianceId: string;
  targetId: string;
  version: number;
}

/** An X25519 key pair for sealing, both halves as 64 hex. */
export interface SealKeyPair {
  publicKey: string;
  secretKey: string;
}

const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const b64 = (b: ArrayBuffer) => Buffer.from(new Uint8Array(b)).toString("base64");
const aad = (b: SealBinding) => canonicalBytes({ purpose: "malachor-credential", ...b });

/** Key id of an X25519 sealing public key (same rule as identity keys: SHA-256, 16 hex). */
export function sealKeyId(publicKeyHex: string): string {
  return sha256Hex(Buffer.from(publicKeyHex, "hex")).slice(0, 16);
}

/** A fresh X25519 key pair. */
export async function generateSealKeyPair(): Promise<SealKeyPair> {
  const suite = await hpke();
  const kp = await suite.kem.generateKeyPair();
  return {
    publicKey: hex(await suite.kem.serializePublicKey(kp.publicKey)),
    secretKey: hex(await suite.kem.serializePrivateKey(kp.privateKey)),
  };
}

/** The public half of a sealing secret key (through node:crypto, as protocol/sign.ts derives Ed25519 keys). */
export function sealPublicKeyOf(secretKeyHex: string): string {
  const secret = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, Buffer.from(v.parse(Hex64, secretKeyHex), "hex")]),
    format: "der",
    type: "pkcs8",
  });
  return hex(createPublicKey(secret).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length));
}

/** Seal `plaintext` to an appliance's X25519 public key, bound to `binding`. */
export async function sealSecret(
  plaintext: Uint8Array,
  publicKeyHex: string,
  binding: SealBinding,
): Promise<SealedSecret> {
  v.parse(Hex64, publicKeyHex);
  const suite = await hpke();
  const recipientPublicKey = await suite.kem.deserializePublicKey(Buffer.from(publicKeyHex, "hex"));
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: INFO }, plaintext, aad(binding));
  return { suite: SEAL_SUITE, keyId: sealKeyId(publicKeyHex), enc: b64(enc), ct: b64(ct) };
}

/** Why a sealed secret did not open. */
export class SealOpenError extends Error {
  override name = "SealOpenError";
}

/** Open a sealed secret with the appliance's X25519 secret key; throws SealOpenError. */
export async function openSecret(
  sealed: SealedSecret,
  secretKeyHex: string,
  publicKeyHex: string,
  binding: SealBinding,
): Promise<Uint8Array> {
  if (sealed.keyId !== sealKeyId(publicKeyHex))
    throw new SealOpenError(
      `sealed to key ${sealed.keyId}, but this appliance's sealing key is ${sealKeyId(publicKeyHex)}: re-enter the credential in the cloud`,
    );
  const suite = await hpke();
  try {
    const recipientKey = await suite.kem.deserializePrivateKey(Buffer.from(secretKeyHex, "hex"));
    const pt = await suite.open(
      { recipientKey, enc: Buffer.from(sealed.enc, "base64"), info: INFO },
      Buffer.from(sealed.ct, "base64"),
      aad(binding),
    );
    return new Uint8Array(pt);
  } catch (e) {
    throw new SealOpenError(
      `sealed credential for target ${binding.targetId} v${binding.version} does not open (${(e as Error).name}): wrong key, or bound to another target or version`,
    );
  }
}
