/**
 * The wiring of `malachor run` against real loopback servers: the fake cloud (signed orders) and
 * the WinRM test server (counting remote shells).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signPayload } from "../../../protocol/signed.ts";
import { startWinRmServer } from "../../../test/winrm-server/server.ts";
import { FixtureHost } from "../checks/fixture-host.ts";
import { startFakeCloud } from "../cloud-client/fake-cloud.fixture.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import { jsonLogger } from "../log/logger.ts";
import { sampleOrder } from "../orders/testing.ts";
import { startDaemon } from "./start.ts";
import { writeTestConfig } from "./test-config.fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-start-"));
const cloud = startFakeCloud();
const winrm = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "start-pw" });
afterAll(async () => {
  await cloud.stop();
  await winrm.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test("100 run_check orders, the checks and the healer share one WinRM shell per host; stop closes it", async () => {
  writeSecretFile(join(dir, "winrm-password"), "start-pw\n");
  const config = loadConfig(
    writeTestConfig(dir, {
      cloudUrl: cloud.url,
      apiKey: cloud.apiKey,
      publicKey: cloud.orderKey.publicKey,
      extra: [
        "[[windows.hosts]]",
        'host = "127.0.0.1"',
        `port = ${winrm.port}`,
        'transport = "http-ntlm"',
        'username = "svc-malachor"',
        'domain = "CLINIC"',
        'password_file = "winrm-password"',
      ].join("\n"),
    }),
  );
  cloud.orders = Array.from({ length: 100 }, () =>
    signPayload(
      sampleOrder({ type: "run_check", params: { checkIds: ["windows.smb1"] } }),
      cloud.orderKey.secretKey,
    ),
  );
  const host = new FixtureHost({ files: {}, commands: {} });
  let most = 0;
  const watch = setInterval(() => {
    most = Math.max(most, winrm.shells().open);
  }, 5);
  const agent = await startDaemon(config, {
    log: jsonLogger({ level: "error", err: () => {} }),
    host,
    notifier: { active: false, notify: () => {} },
  });
  try {
    await until("100 order completions at the cloud", () => cloud.state.completions.length >= 100, 90_000);
  } finally {
    clearInterval(watch);
  }
  expect(cloud.state.completions.map((c) => c.body.status)).toEqual(Array(100).fill("succeeded"));
  // The first cycle healed the simulated server too (L1 runbooks over the same executor).
  expect(cloud.state.bundles.some((b) => b.kind === "remediation")).toBe(true);
  expect(most).toBe(1);
  expect(winrm.shells()).toEqual({ open: 1, created: 1 });
  await agent.stop();
  expect(winrm.shells().open).toBe(0);
}, 120_000);
