import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNativeVerifier } from "../../native/build.ts";
import { loadNativeBatchVerifier, type StartBatch } from "../evidence/ed25519-batch.ts";

let built: { dir: string; path: string; start: StartBatch } | undefined;

/**
 * The native batch verifier compiled from this checkout's source into a temp dir (once per test
 * process), so tests exercise the source and the build script rather than whatever dist/ holds.
 */
export function testNativeVerifier(): { dir: string; path: string; start: StartBatch } {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), "malachor-ed25519-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const r = buildNativeVerifier(join(dir, "libmalachor_ed25519.so"));
    if (!r.ok) throw new Error(`native verifier did not build: ${r.message}`);
    built = { dir, path: r.path, start: loadNativeBatchVerifier(r.path)! };
  }
  return built;
}
