import { dlopen, FFIType, type Pointer } from "bun:ffi";
import { randomFillSync } from "node:crypto";
import { existsSync } from "node:fs";
import { NATIVE_VERIFIER_PATH } from "../../native/build.ts";

/** One signature to check: the signed bytes, the signature and the signer's public key (hex). */
export interface SigCheck {
  message: Uint8Array;
  sigHex: string;
  publicKeyHex: string;
}

/** A batch being checked on native threads. */
export interface PendingBatch {
  /**
   * Wait for it: true only when every signature is valid. False means at least one is not, or that
   * the batch holds something the batch equation does not vouch for: the caller then checks one by
   * one with node:crypto, whose verdict is the one of record (see native/ed25519_batch.c).
   */
  finish(): boolean;
  /** The same verdict without blocking the event loop while the native thread works. */
  settle(): Promise<boolean>;
}

/** Starts checking a batch of signatures; the caller may prepare more work before finishing it. */
export type StartBatch = (checks: readonly SigCheck[]) => PendingBatch;

const HEX128 = /^[0-9a-f]{128}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const settled = (verdict: boolean): PendingBatch => ({
  finish: () => verdict,
  settle: async () => verdict,
});

/**
 * Load the compiled batch verifier from `path`; null when it has not been built. Each batch runs
 * on a native thread of its own (no JavaScript runs there), on copies of the inputs.
 */
export function loadNativeBatchVerifier(path = NATIVE_VERIFIER_PATH): StartBatch | null {
  if (!existsSync(path)) return null;
  const args = [
    FFIType.u32,
    FFIType.ptr,
    FFIType.ptr,
    FFIType.ptr,
    FFIType.ptr,
    FFIType.u32,
    FFIType.ptr,
    FFIType.ptr,
  ] as const;
  const lib = dlopen(path, {
    malachor_ed25519_batch_start: { args, returns: FFIType.ptr },
    malachor_ed25519_batch_ready: { args: [FFIType.ptr], returns: FFIType.i32 },
    malachor_ed25519_batch_finish: { args: [FFIType.ptr], returns: FFIType.i32 },
  });
  const {
    malachor_ed25519_batch_start: start,
    malachor_ed25519_batch_ready: ready,
    malachor_ed25519_batch_finish: finish,
  } = lib.symbols;
  return (checks) => {
    const n = checks.length;
    if (n === 0) return settled(true);
    const keyIndex = new Map<string, number>();
    const keyOf = new Uint32Array(n);
    const offsets = new Uint32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = checks[i]!;
      if (!HEX128.test(c.sigHex) || !HEX64.test(c.publicKeyHex)) return settled(false);
      let k = keyIndex.get(c.publicKeyHex);
      if (k === undefined) {
        k = keyIndex.size;
        keyIndex.set(c.publicKeyHex, k);
      }
      keyOf[i] = k;
      total += c.message.length;
      offsets[i + 1] = total;
    }
    // One extra byte keeps the buffer non-empty (a zero-length typed array passes a null pointer).
    const messages = new Uint8Array(total + 1);
    const sigs = Buffer.allocUnsafe(64 * n);
    for (let i = 0; i < n; i++) {
      const c = checks[i]!;
      messages.set(c.message, offsets[i]!);
      sigs.write(c.sigHex, 64 * i, "hex");
    }
    const keys = Buffer.allocUnsafe(32 * keyIndex.size);
    for (const [hex, k] of keyIndex) keys.write(hex, 32 * k, "hex");
    const z = randomFillSync(Buffer.allocUnsafe(16 * n));
    // bun:ffi's types widen a returned pointer to bigint; it is a Pointer (a number) or null.
    const handle = start(n, messages, offsets, sigs, keyOf, keyIndex.size, keys, z) as Pointer | null;
    if (handle === null) throw new Error("ed25519 batch verifier: out of memory");
    let verdict: boolean | undefined;
    const pending: PendingBatch = {
      finish() {
        if (verdict === undefined) {
          const r = finish(handle);
          if (r < 0) throw new Error("ed25519 batch verifier: out of memory or inconsistent arguments");
          verdict = r === 1;
        }
        return verdict;
      },
      async settle() {
        while (verdict === undefined && ready(handle) === 0) await Bun.sleep(1);
        return pending.finish();
      },
    };
    return pending;
  };
}

let loaded: StartBatch | null | undefined;

/** The batch verifier built by `npm run build` (loaded once), or null without it. */
export function nativeBatchVerifier(): StartBatch | null {
  if (loaded === undefined) loaded = loadNativeBatchVerifier();
  return loaded;
}
