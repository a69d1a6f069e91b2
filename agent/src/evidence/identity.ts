import { existsSync } from "node:fs";
import { generateKeyPair, keyIdOf, publicKeyOf } from "../../../protocol/sign.ts";
import { readSecretFile, writeSecretFile } from "../config/secret.ts";

/** The appliance's Ed25519 identity: it signs every evidence bundle. */
export interface Identity {
  secretKey: string;
  publicKey: string;
  keyId: string;
}

/** Thrown when the identity key file is unusable; the message says how to fix it. */
export class IdentityError extends Error {
  override name = "IdentityError";
}

/**
 * Load the identity key (64 hex secret seed in a 0600 file). With `create`, a missing file gets a
 * fresh key (first boot); an existing but malformed or world-readable file is never replaced.
 */
export function loadIdentity(path: string, opts: { create?: boolean } = {}): Identity & { created: boolean } {
  let created = false;
  if (opts.create && !existsSync(path)) {
    writeSecretFile(path, `${generateKeyPair().secretKey}\n`);
    created = true;
  }
  let text: string;
  try {
    text = readSecretFile(path, "identity key");
  } catch (e) {
    throw new IdentityError((e as Error).message);
  }
  const secretKey = text.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(secretKey)) {
    throw new IdentityError(`identity key ${path}: expected 64 hex characters (an Ed25519 seed)`);
  }
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, keyId: keyIdOf(publicKey), created };
}
