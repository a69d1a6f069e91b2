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

const PASSWORD = "cli-runbook-pw-1";
let server: WinRmServer;
let dir: string;
let pwFile: string;

beforeAll(async () => {
  server = await startWinRmServer({ user: "svc", password: PASSWORD });
  dir = mkdtempSync(join(tmpdir(), "malachor-cli-runbook-"));
  pwFile = join(dir, "pw");
  writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = () => [
  "--host",
  "127.0.0.1",
  "--port",
  String(server.port),
  "--user",
  "svc",
  "--password-file",
  pwFile,
];

describe("malachor runbook (compiled binary, catalogue embedded)", () => {
  test("list shows every embedded runbook", async () => {
    const r = await runMalachor(["runbook", "list", "--json"]);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).runbooks.map((s: { id: string }) => s.id);
    expect(ids).toContain("windows.bitlocker");
    expect(ids.filter((i: string) => i.startsWith("windows.")).length).toBeGreaterThanOrEqual(12);
    const human = await runMalachor(["runbook", "list", "--platform", "windows"]);
    expect(human.stdout).toContain("windows.smb1");
    expect(human.stdout).toContain("§164.312(e)(1)");
  });

  test("run --dry-run detects without changing the host", async () => {
    const r = await runMalachor(["runbook", "run", "windows.firewall", ...target(), "--dry-run"]);
    expect(r.stdout).toContain("runbook windows.firewall on 127.0.0.1: DRY-RUN");
    expect(r.stdout).toContain("before: fail — disabled: Private, Public");
    expect(r.code).toBe(0);
    expect(server.state.firewall.Public.enabled).toBe(false);
  });

  test("run fixes the drift and verifies it", async () => {
    const r = await runMalachor([
      "runbook",
      "run",
      "windows.screen-lock",
      ...target(),
      "--param",
      "max_seconds=600",
    ]);
    expect(r.stdout).toContain("FIXED");
    expect(r.stdout).toContain("verify: pass — InactivityTimeoutSecs = 600");
    expect(r.code).toBe(0);
  });

  test("bad ids and parameters are usage errors naming the problem", async () => {
    expect((await runMalachor(["runbook", "run", "windows.nope", ...target()])).stderr).toContain(
      'no runbook "windows.nope"',
    );
    const r = await runMalachor([
      "runbook",
      "run",
      "windows.screen-lock",
      ...target(),
      "--param",
      "max_seconds=5000",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parameter "max_seconds" of windows.screen-lock must be between 60 and 900');
  });
});
