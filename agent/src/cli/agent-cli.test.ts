import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { malachorBinary, runMalachor } from "../../../test/support/binary.ts";
import { freePort } from "../../../test/support/ports.ts";
import { startSntpServer } from "../checks/sntp-server.fixture.ts";
import { startFakeCloud } from "../cloud-client/fake-cloud.fixture.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-cli-"));
const cloud = startFakeCloud();
const ntp = await startSntpServer();
afterAll(async () => {
  ntp.close();
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

const bind = `127.0.0.1:${freePort()}`;
const config = writeTestConfig(dir, {
  cloudUrl: cloud.url,
  apiKey: cloud.apiKey,
  bind,
  ntpServers: [ntp.address],
});
const m = (...args: string[]) => runMalachor([...args, "--config", config]);
// For commands that make the daemon call the fake cloud: a synchronous spawn would block this
// process, and with it the fake cloud's event loop.
async function mAsync(...args: string[]) {
  const p = Bun.spawn([malachorBinary(), ...args, "--config", config], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

describe("field-tech CLI (compiled binary)", () => {
  test("check: selected checks, JSON, exit 0 when they pass", () => {
    const r = m("check", "linux.uid0-accounts", "linux.disk-space", "--json");
    expect(r.stderr).toBe("");
    const { findings } = JSON.parse(r.stdout);
    expect(findings.map((f: { checkId: string }) => f.checkId)).toEqual([
      "linux.disk-space",
      "linux.uid0-accounts",
    ]);
    expect(r.code).toBe(
      findings.every((f: { status: string }) => f.status === "pass" || f.status === "warn") ? 0 : 1,
    );
  });

  test("check: human output lists every check with a summary line", () => {
    const r = m("check");
    expect(r.stdout).toMatch(/^(PASS|FAIL|WARN|ERR) +linux\.nixos-generation/m);
    expect(r.stdout).toMatch(/\d+ pass, \d+ warn, \d+ fail, \d+ error/);
    expect([0, 1]).toContain(r.code);
  });

  test.each([
    [["check", "linux.nope"], 2, /unknown check "linux.nope"; known: linux\./],
    [["queue", "frobnicate"], 2, /unknown queue subcommand "frobnicate"/],
    [["queue", "peek", "--stream", "bogus"], 2, /unknown stream "bogus"/],
  ])("usage errors %p", (args, code, msg) => {
    const r = m(...(args as string[]));
    expect(r.code).toBe(code as number);
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a bad config exits 3 naming file, line and key", () => {
    const head = '[cloud]\nurl = "http://x"\n[appliance]\nsite_id = "s"\nappliance_id = "a"\n';
    // `status` validates the keys it reads (config/status-view.ts) …
    const badQueue = join(dir, "bad-queue.toml");
    writeFileSync(badQueue, `${head}[queue]\nmax_bytes = 1\n`);
    const s = runMalachor(["status"], { env: { MALACHOR_CONFIG: badQueue } });
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/bad-queue\.toml:7: queue\.max_bytes: /);
    // … and the commands that load the whole schema refuse any bad key.
    const badChecks = join(dir, "bad-checks.toml");
    writeFileSync(badChecks, `${head}[checks]\ninterval_sec = 1\n`);
    const c = runMalachor(["check"], { env: { MALACHOR_CONFIG: badChecks } });
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/bad-checks\.toml:7: checks\.interval_sec: /);
  });

  test("status and queue before the daemon ever ran: exit 3 with the reason", () => {
    for (const args of [["status"], ["queue", "stats"]]) {
      const r = m(...args);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/never started with this config/);
    }
  });

  test("run → status/queue through the local API → SIGTERM → status from saved state", async () => {
    const daemon = Bun.spawn([malachorBinary(), "run", "--config", config], {
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const deadline = Date.now() + 20_000;
      let s = m("status", "--json");
      while (
        Date.now() < deadline &&
        !(s.stdout.includes('"running"') && s.stdout.includes('"lastCycle":{'))
      ) {
        await Bun.sleep(50);
        s = m("status", "--json");
      }
      const snap = JSON.parse(s.stdout);
      if (snap.daemon !== "running") {
        daemon.kill("SIGKILL");
        const logs = await new Response(daemon.stderr).text();
        throw new Error(
          `daemon not answering; status said ${s.stderr}; daemon stderr: ${logs.slice(0, 2000)}`,
        );
      }
      expect(snap.applianceId).toBe("app-1");
      expect([0, 1]).toContain(s.code);
      while (Date.now() < deadline && cloud.state.bundles.length === 0) await Bun.sleep(50);
      expect(cloud.state.bundles[0]!.findings.length).toBeGreaterThan(10);

      const human = m("status");
      expect(human.stdout).toMatch(/daemon running/);
      expect(human.stdout).toMatch(/evidence +chain at #\d+/);

      const stats = JSON.parse(m("queue", "stats", "--json").stdout);
      expect(stats.streams.evidence).toBeDefined();
      const flush = await mAsync("queue", "flush");
      expect(flush.stdout).toMatch(/0 items left/);
      expect(flush.code).toBe(0);
    } finally {
      daemon.kill("SIGTERM");
    }
    expect(await daemon.exited).toBe(0);
    const logs = (await new Response(daemon.stdout).text()).trim().split("\n");
    for (const l of logs) expect(JSON.parse(l).ts).toBeDefined();
    const after = m("status");
    expect(after.code).toBe(3);
    expect(after.stdout).toMatch(/daemon NOT RUNNING/);
    expect(after.stdout).toMatch(/last cycle +\d+ s ago/);
    const peek = m("queue", "peek", "--json");
    expect(peek.code).toBe(0);
    expect(JSON.parse(peek.stdout)).toEqual([]);
    // A second daemon on the same bind address says what is wrong.
    const blocker = Bun.serve({
      hostname: "127.0.0.1",
      port: Number(bind.split(":")[1]),
      fetch: () => new Response(),
    });
    try {
      const second = m("run");
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/\[status\] bind = "127\.0\.0\.1:\d+": cannot listen there/);
    } finally {
      blocker.stop(true);
    }
  }, 60_000);
});
