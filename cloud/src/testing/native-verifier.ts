import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNativeVerifier } from "../../native/build.ts";
import { loadNativeBatchVerifier, type StartBatch } from "../evidence/ed25519-batch.ts";

let built: StartBatch | undefined;

/**
 * The native batch verifier compiled from this checkout's source (once per test process), so
 * tests exercise the source and the build script rather than whatever dist/ holds. The library
 * file is deleted as soon as it is loaded: the mapping outlives it.
 */
export function testNativeVerifier(): StartBatch {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), "malachor-ed25519-"));
    try {
      const r = buildNativeVerifier(join(dir, "libmalachor_ed25519.so"));
      if (!r.ok) throw new Error(`native verifier did not build: ${r.message}`);
      built = loadNativeBatchVerifier(r.path)!;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return built;
}
