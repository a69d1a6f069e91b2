/**
 * For CLI tests of the compiled binary against an in-process test server: the binary must run
 * without blocking this process's event loop (spawnSync would deadlock the server).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { malachorBinary } from "../support/binary.ts";
import { startWinRmServer, type WinRmServer } from "./server.ts";

/** Run `malachor` asynchronously (no config unless given) and collect its output. */
export async function runMalachorAsync(args: string[]) {
  const p = Bun.spawn([malachorBinary(), ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, MALACHOR_CONFIG: "" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}

/** A test server plus a temp dir holding a 0600 password file for it. */
export async function serverWithPasswordFile(user: string, password: string) {
  const server: WinRmServer = await startWinRmServer({ user, password });
  const dir = mkdtempSync(join(tmpdir(), "malachor-cli-"));
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  return {
    server,
    dir,
    passwordFile,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
