/**
 * The appliance's X25519 sealing key (`<state_dir>/seal.key`, 0600): credentials entered in the
 * cloud are sealed to it (protocol/seal.ts) and stay sealed on disk; they are opened in memory only
 * when a client for the host is made. Created at provisioning, or at the first start of an
 * appliance provisioned before it existed.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sealKeyId, sealPublicKeyOf } from "../../../protocol/seal.ts";
import { readSecretFile, writeSecretFile } from "../config/secret.ts";

/** The sealing key pair (hex) and its key id. */
export interface SealKey {
  secretKey: string;
  publicKey: string;
  keyId: string;
}

/** Where the sealing key lives. */
export const sealKeyPath = (stateDir: string) => join(stateDir, "seal.key");

/** Load the sealing key; with `create`, a missing one is made (an unreadable one is never replaced). */
export function loadSealKey(stateDir: string, opts: { create?: boolean } = {}): SealKey {
  const path = sealKeyPath(stateDir);
  if (opts.create && !existsSync(path))
    // Any 32 random bytes are an X25519 secret key (RFC 7748 clamps them where they are used).
    writeSecretFile(path, `${randomBytes(32).toString("hex")}\n`);
  const secretKey = readSecretFile(path, "sealing key");
  if (!/^[0-9a-f]{64}$/.test(secretKey)) throw new Error(`sealing key ${path}: not 64 hex characters`);
  const publicKey = sealPublicKeyOf(secretKey);
  return { secretKey, publicKey, keyId: sealKeyId(publicKey) };
}
