import { existsSync } from "node:fs";
import { generateKeyPair, type KeyPair, keyIdOf, publicKeyOf } from "../../../protocol/sign.ts";
import { readSecretFile, writeSecretFile } from "../config/secret.ts";
import { ProvisionError } from "./errors.ts";

/** The appliance's Ed25519 identity as stored on disk. */
export interface Identity extends KeyPair {
  keyId: string;
}

/** Read the identity key file (64 hex secret seed, mode 0600). */
export function loadIdentity(path: string): Identity {
  let secretKey: string;
  try {
    secretKey = readSecretFile(path, "identity key").toLowerCase();
  } catch (e) {
    throw new ProvisionError((e as Error).message);
  }
  if (!/^[0-9a-f]{64}$/.test(secretKey)) {
    throw new ProvisionError(`identity key ${path}: expected 64 hex characters (an Ed25519 seed)`);
  }
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Write a fresh identity key to `path` (atomically, mode 0600) and return it. */
export function createIdentity(path: string): Identity {
  const key = generateKeyPair();
  writeSecretFile(path, `${key.secretKey}\n`);
  return { ...key, keyId: keyIdOf(key.publicKey) };
}

/**
 * The identity key at `path`, created when missing. Re-running provisioning after a failed
 * enrollment reuses the key: it was never registered, and keeping it makes the step idempotent.
 */
export function ensureIdentity(path: string): Identity {
  return existsSync(path) ? loadIdentity(path) : createIdentity(path);
}
