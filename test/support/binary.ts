import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

/** Path of the compiled `malachor`; builds it when missing (npm test builds it first anyway). */
export function malachorBinary(): string {
  const bin = join(root, "dist", "malachor");
  if (!existsSync(bin)) {
    const r = Bun.spawnSync([process.execPath, "run", "build"], {
      cwd: root,
      stdout: "ignore",
      stderr: "inherit",
    });
    if (r.exitCode !== 0) throw new Error("bun run build failed");
  }
  return bin;
}

/** Run the compiled binary and collect its output. */
export function runMalachor(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
) {
  const r = Bun.spawnSync([malachorBinary(), ...args], {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeoutMs ?? 30_000,
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
