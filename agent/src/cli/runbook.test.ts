import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  runMalachorAsync as runMalachor,
  serverWithPasswordFile,
} from "../../../test/winrm-server/cli-fixture.ts";
import { loadConfig } from "../config/load.ts";
import { openState } from "../daemon/state.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";

let fx: Awaited<ReturnType<typeof serverWithPasswordFile>>;
beforeAll(async () => {
  fx = await serverWithPasswordFile("svc", "cli-runbook-pw-1");
});
afterAll(() => fx.close());

const target = () => [
  "--host",
  "127.0.0.1",
  "--port",
  String(fx.server.port),
  "--user",
  "svc",
  "--password-file",
  fx.passwordFile,
];
const screenLock = (value: number) => [
  "runbook",
  "run",
  "windows.screen-lock",
  ...target(),
  "--param",
  `max_seconds=${value}`,
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
    // The acceptance counts, as the binary reports them.
    const { counts } = JSON.parse(r.stdout);
    expect(counts.windowsChecks).toBeGreaterThanOrEqual(32);
    expect(counts.windowsRunbooks).toBeGreaterThanOrEqual(40);
    expect(counts.windowsFixRules).toBeGreaterThanOrEqual(30);
    expect(human.stdout).toMatch(
      /\d+ Windows checks \(\d+ monitor-only\), \d+ Windows runbooks, \d+ L1 fix rules/,
    );
    const checks = await runMalachor(["runbook", "list", "--checks"]);
    expect(checks.stdout).toContain("windows.ad-krbtgt-age");
    expect(checks.stdout).toContain("needs a person: Resetting krbtgt");
  });

  test("run --dry-run detects without changing the host", async () => {
    const r = await runMalachor(["runbook", "run", "windows.firewall", ...target(), "--dry-run"]);
    expect(r.stdout).toContain("runbook windows.firewall on 127.0.0.1: DRY-RUN");
    expect(r.stdout).toContain(
      "before: fail — disabled: Private, Public; inbound allowed by default: Public",
    );
    expect(r.code).toBe(0);
    expect(fx.server.state.firewall.Public.enabled).toBe(false);
  });

  test("run fixes the drift and verifies it", async () => {
    const r = await runMalachor(screenLock(600));
    expect(r.stdout).toContain("FIXED");
    expect(r.stdout).toContain("verify: pass — InactivityTimeoutSecs = 600");
    expect(r.code).toBe(0);
  });

  test("bad ids and parameters are usage errors naming the problem", async () => {
    expect((await runMalachor(["runbook", "run", "windows.nope", ...target()])).stderr).toContain(
      'no runbook "windows.nope"',
    );
    const r = await runMalachor(screenLock(5000));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parameter "max_seconds" of windows.screen-lock must be between 60 and 900');
  });

  test("the recovery keys it creates go into the state database's escrow queue, never to the screen", async () => {
    const config = writeTestConfig(join(fx.dir, "escrow"));
    const r = await runMalachor(["runbook", "run", "windows.bitlocker", ...target(), "--config", config]);
    expect(r.code).toBe(0);
    // One key per fixed volume: the system drive and the data drive.
    const protectors = fx.server.state.bitlocker.volumes.slice(0, 2).map((v) => ({
      volume: v.mountPoint,
      key: v.keyProtectors.find((p) => p.type === "RecoveryPassword")!,
    }));
    const state = openState(loadConfig(config));
    try {
      const items = state.queue.nextBatch("escrow", 10).map((i) => JSON.parse(i.payload));
      expect(items).toEqual(
        protectors.map((p) => ({
          host: "127.0.0.1",
          volume: p.volume,
          protectorId: p.key.id,
          recoveryPassword: p.key.recoveryPassword,
        })),
      );
    } finally {
      state.db.close();
    }
    for (const p of protectors) {
      expect(r.stdout).toContain(`recovery key of ${p.volume} (${p.key.id}) queued for cloud escrow in`);
      expect(r.stdout + r.stderr).not.toContain(p.key.recoveryPassword!);
    }
  });
});
