import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { malachorBinary } from "../../../test/support/binary.ts";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";

/** The server runs in this process, so the binary must run without blocking the event loop. */
async function runMalachor(args: string[]) {
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

const PASSWORD = "cli-winrm-pw-1";
let server: WinRmServer;
let dir: string;
let good: string;
let bad: string;

beforeAll(async () => {
  server = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: PASSWORD });
  dir = mkdtempSync(join(tmpdir(), "malachor-cli-winrm-"));
  good = join(dir, "good");
  bad = join(dir, "bad");
  writeFileSync(good, `${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(bad, "nope\n", { mode: 0o600 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const args = (file: string) => [
  "winrm",
  "test",
  "127.0.0.1",
  "--port",
  String(server.port),
  "--user",
  "CLINIC\\svc-malachor",
  "--password-file",
  file,
];

describe("malachor winrm test (compiled binary)", () => {
  test("passes every step against a reachable host", async () => {
    const r = await runMalachor(args(good));
    expect(r.stdout).toContain("PASS  connect, authenticate, open shell, run cmd");
    expect(r.stdout).toContain("PASS  run PowerShell");
    expect(r.stdout).toContain("running as CLINIC-FS01 CLINIC\\svc-malachor");
    expect(r.code).toBe(0);
  });

  test("a wrong password fails with the next step to take, never the password", async () => {
    const r = await runMalachor([...args(bad), "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.steps[0]).toMatchObject({ ok: false, kind: "auth" });
    expect(out.steps[0].next).toContain("Remote Management Users");
    expect(r.stdout + r.stderr).not.toContain("nope");
  });

  test("a closed port is a connect failure", async () => {
    const r = await runMalachor([
      "winrm",
      "test",
      "127.0.0.1",
      "--port",
      "1",
      "--user",
      "u",
      "--password-file",
      good,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("connection refused by 127.0.0.1:1");
  });

  test("an unknown host without flags or config is a usage error", async () => {
    const r = await runMalachor(["winrm", "test", "somehost", "--config", join(dir, "missing.toml")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("missing.toml");
  });
});
