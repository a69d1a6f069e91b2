import { verify } from "../../../protocol/sign.ts";
import { nativeBatchVerifier, type SigCheck } from "./ed25519-batch.ts";

/** Below this many signatures the batch's fixed cost (checking each key once) outweighs its gain. */
export const MIN_NATIVE_BATCH = 32;

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(publicKeyHex: string): Promise<CryptoKey> {
  let k = keyCache.get(publicKeyHex);
  if (!k) {
    k = crypto.subtle.importKey("raw", Buffer.from(publicKeyHex, "hex"), { name: "Ed25519" }, false, [
      "verify",
    ]);
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(publicKeyHex, k);
  }
  return k;
}

/**
 * Verify many Ed25519 signatures at once. The native batch verifier settles an all-valid batch in
 * one pass; otherwise (a bad signature among them, or no native library) each is checked with
 * WebCrypto on Bun's thread pool (both cores, ~1.5× node:crypto's one-at-a-time rate here,
 * as measured on our machines), and any WebCrypto failure falls back to node:crypto for that item, so the verdict
 * never depends on which path ran.
 */
export async function verifyBatch(checks: SigCheck[]): Promise<boolean[]> {
  if (checks.length >= MIN_NATIVE_BATCH && (await nativeBatchVerifier()?.(checks).settle())) {
    return checks.map(() => true);
  }
  return Promise.all(
    checks.map(async (c) => {
      if (!/^[0-9a-f]{128}$/.test(c.sigHex)) return false;
      try {
        return await crypto.subtle.verify(
          "Ed25519",
          await importKey(c.publicKeyHex),
          Buffer.from(c.sigHex, "hex"),
          c.message as Uint8Array<ArrayBuffer>,
        );
      } catch {
        return verify(c.message, c.sigHex, c.publicKeyHex);
      }
    }),
  );
}
