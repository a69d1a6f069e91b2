import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..", "..");

/**
 * Compile the agent as another version: the same build as `npm run build` with the version string
 * replaced at build time (`--define MALACHOR_VERSION`), as a release with a bumped version would be.
 */
export function buildAgentVersion(version: string, outDir: string): string {
  const out = join(outDir, `malachor-${version}`);
  const r = Bun.spawnSync(
    [
      process.execPath,
      "build",
      join(root, "agent", "src", "main.ts"),
      "--compile",
      "--bytecode",
      "--define",
      `MALACHOR_VERSION=${JSON.stringify(version)}`,
      "--outfile",
      out,
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(`bun build --compile (${version}) failed: ${r.stderr.toString()}`);
  return out;
}

/**
 * A "release" that is not a working agent: it answers --version as announced but its self-test
 * fails, as a mis-built release would. Small, so publishing it is quick.
 */
export function brokenRelease(version: string, outDir: string): string {
  const out = join(outDir, `broken-${version}`);
  writeFileSync(
    out,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "malachor ${version}"; exit 0; fi\necho "FAIL sqlite: cannot open database" >&2\nexit 1\n`,
  );
  chmodSync(out, 0o755);
  return out;
}
