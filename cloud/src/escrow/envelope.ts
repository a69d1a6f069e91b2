/**
 * Envelope encryption for escrowed secrets (pure, no I/O): every record gets a fresh 256-bit data
 * key that encrypts the secret with AES-256-GCM; the data key itself is encrypted ("wrapped") by
 * the KEK, also with AES-256-GCM. Both bind the record's identity as associated data, so neither a
 * ciphertext nor a wrapped key can be moved to another record unnoticed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Kek } from "./kek.ts";

/** What is stored for one secret (base64 fields are iv ‖ ciphertext ‖ tag). */
export interface Sealed {
  kekId: string;
  wrappedKey: string;
  ciphertext: string;
}

/** Decryption failed: wrong KEK, or the stored record was altered. */
export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

const IV = 12;
const TAG = 16;

function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
}

function decrypt(key: Buffer, sealed: string, aad: string, what: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < IV + TAG) throw new EnvelopeError(`${what} is truncated`);
  const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV));
  d.setAAD(Buffer.from(aad, "utf8"));
  d.setAuthTag(raw.subarray(raw.length - TAG));
  try {
    return Buffer.concat([d.update(raw.subarray(IV, raw.length - TAG)), d.final()]);
  } catch {
    throw new EnvelopeError(`${what} does not authenticate (altered, or bound to another record)`);
  }
}

/** Encrypt `secret` for the record identified by `aad` under a fresh data key wrapped by `kek`. */
export function seal(kek: Kek, secret: string, aad: string): Sealed {
  const dataKey = randomBytes(32);
  try {
    return {
      kekId: kek.id,
      wrappedKey: encrypt(kek.key, dataKey, `malachor-escrow-dek/v1\n${kek.id}\n${aad}`),
      ciphertext: encrypt(dataKey, Buffer.from(secret, "utf8"), `malachor-escrow/v1\n${aad}`),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** Decrypt a sealed record; `aad` must identify the same record it was sealed for. */
export function open(kek: Kek, sealed: Sealed, aad: string): string {
  if (sealed.kekId !== kek.id) {
    throw new EnvelopeError(`record is wrapped by KEK ${sealed.kekId}, but the configured KEK is ${kek.id}`);
  }
  const dataKey = decrypt(
    kek.key,
    sealed.wrappedKey,
    `malachor-escrow-dek/v1\n${kek.id}\n${aad}`,
    "wrapped data key",
  );
  try {
    return decrypt(dataKey, sealed.ciphertext, `malachor-escrow/v1\n${aad}`, "ciphertext").toString("utf8");
  } finally {
    dataKey.fill(0);
  }
}
