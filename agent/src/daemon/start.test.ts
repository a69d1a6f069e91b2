/**
 * The wiring of `malachor run` against real loopback servers: the fake cloud (signed orders) and
 * the WinRM test server (counting remote shells).
 */
import { afterAll, expect, test } from "bun:test";
import { signPayload } from "../../../protocol/signed.ts";
import { waitFor } from "../../../test/e2e/harness/wait.ts";
import { FixtureHost } from "../checks/fixture-host.ts";
import { loadConfig } from "../config/load.ts";
import { jsonLogger } from "../log/logger.ts";
import { sampleOrder } from "../orders/testing.ts";
import { startDaemon } from "./start.ts";
import { startWindowsSite } from "./windows-site.fixture.ts";

const site = await startWindowsSite();
afterAll(() => site.close());

test("100 run_check orders, the checks and the healer share one WinRM shell per host; stop closes it", async () => {
  const { cloud, winrm } = site;
  const config = loadConfig(site.config);
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
    await waitFor("100 order completions at the cloud", () => cloud.state.completions.length >= 100, {
      timeoutMs: 90_000,
    });
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
