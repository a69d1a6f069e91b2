import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPair, keyIdOf, publicKeyOf } from "../../../protocol/sign.ts";

/**
 * The cloud's Ed25519 key: signs orders, rule sets, site config, plans, releases and the sites' log
 * checkpoints. It rotates (keyring.ts); every key it had stays listed with its validity window.
 */
export interface CloudKeys {
  secretKey: string;
  publicKey: string;
  keyId: string;
}

/** Keys from a secret seed (hex). */
export function cloudKeysFrom(secretKey: string): CloudKeys {
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A fresh key pair (tests, first start). */
export function freshCloudKeys(): CloudKeys {
  return cloudKeysFrom(generateKeyPair().secretKey);
}

/** Write a new key file (mode 0600); never overwrites one. */
export function writeCloudKeyFile(file: string, secretKey: string): void {
  writeFileSync(file, `${secretKey}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
}

/**
 * Load the key from `file` (64 hex characters), creating it with mode 0600 when missing, so a
 * restarted cloud keeps signing with the key its appliances trust.
 */
export function loadOrCreateCloudKeys(file: string): CloudKeys {
  if (!existsSync(file)) writeCloudKeyFile(file, generateKeyPair().secretKey);
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file}: expected a 64-hex Ed25519 secret key`);
  return cloudKeysFrom(text);
}
