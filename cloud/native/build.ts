/**
 * Compiles the Ed25519 batch verifier (ed25519_batch.c) into a shared library the cloud loads
 * with bun:ffi. `npm run build` runs it; without a C compiler it says so and the cloud's chain
 * audit verifies one signature at a time with node:crypto instead.
 */

import { suffix } from "bun:ffi";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where the cloud looks for the library. */
export const NATIVE_VERIFIER_PATH = join(
  import.meta.dir,
  "..",
  "..",
  "dist",
  "native",
  `libmalachor_ed25519.${suffix}`,
);

/** Outcome of a build: the library's path, or why there is none. */
export type NativeBuild =
  | { ok: true; path: string }
  | { ok: false; missingCompiler: boolean; message: string };

/** Compile the library to `out` with `$CC` (default `cc`). */
export function buildNativeVerifier(out = NATIVE_VERIFIER_PATH): NativeBuild {
  const cc = process.env.CC || "cc";
  if (!Bun.which(cc)) {
    return { ok: false, missingCompiler: true, message: `no C compiler (${cc}) on PATH` };
  }
  mkdirSync(dirname(out), { recursive: true });
  const src = join(import.meta.dir, "ed25519_batch.c");
  const r = Bun.spawnSync(
    [cc, "-O2", "-std=c11", "-Wall", "-Wextra", "-fPIC", "-pthread", "-shared", "-o", out, src],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if (r.exitCode !== 0) {
    return { ok: false, missingCompiler: false, message: `${cc} failed on ${src}:\n${r.stderr.toString()}` };
  }
  return { ok: true, path: out };
}

if (import.meta.main) {
  const r = buildNativeVerifier();
  if (r.ok) {
    console.log(`native Ed25519 batch verifier: ${r.path}`);
  } else if (r.missingCompiler) {
    console.warn(
      `native Ed25519 batch verifier not built: ${r.message}; the chain audit will use node:crypto`,
    );
  } else {
    console.error(r.message);
    process.exit(1);
  }
}
