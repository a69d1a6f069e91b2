/**
 * Full Linux check cycle wall time on this host (target ≤ 1 s): the checks alone, and a daemon
 * cycle (checks + signed bundle + durable enqueue with the chain head). Beside it, the floor
 * measured in the same run: the slowest single check (checks run concurrently, so no cycle beats it).
 * SNTP goes to three loopback servers, as the appliance's would go to its configured ones.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LINUX_CHECKS } from "../agent/src/checks/linux/index.ts";
import { RealHost } from "../agent/src/checks/real-host.ts";
import { runChecks } from "../agent/src/checks/run.ts";
import { checkSettings } from "../agent/src/checks/settings.ts";
import { startSntpServer } from "../agent/src/checks/sntp-server.fixture.ts";
import { loadConfig } from "../agent/src/config/load.ts";
import { testDaemon } from "../agent/src/daemon/daemon.fixture.ts";
import { linuxProvider } from "../agent/src/daemon/linux-provider.ts";
import { writeTestConfig } from "../agent/src/daemon/test-config.fixture.ts";
import { jsonLogger } from "../agent/src/log/logger.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-bench-cycle-"));
const ntp = await Promise.all([startSntpServer(), startSntpServer(), startSntpServer()]);
const config = loadConfig(writeTestConfig(dir, { ntpServers: ntp.map((s) => s.address) }));
const host = new RealHost();
const settings = checkSettings(config.checks, config.status.bind);
const opts = { host, settings, hostName: "bench", timeoutMs: 10_000 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await runChecks(LINUX_CHECKS, opts); // warm the page cache and the JIT
const runs = 7;
const checksOnly: number[] = [];
const slowest: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const findings = await runChecks(LINUX_CHECKS, opts);
  checksOnly.push(performance.now() - t);
  slowest.push(Math.max(...findings.map((f) => f.durationMs ?? 0)));
}

const { d: daemon } = testDaemon(config, {
  providers: [linuxProvider(host, settings, "bench")],
  log: jsonLogger({ level: "error" }),
  hostName: "bench",
});
const full: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await daemon.runCycle();
  full.push(performance.now() - t);
}
await daemon.stop();
for (const s of ntp) s.close();
rmSync(dir, { recursive: true, force: true });

const ms = (x: number) => `${Math.round(x)} ms`;
console.log(
  `linux check cycle (${LINUX_CHECKS.length} checks): median ${ms(median(checksOnly))}, max ${ms(Math.max(...checksOnly))} (target ≤ 1000 ms; floor = slowest single check ${ms(median(slowest))})`,
);
console.log(
  `daemon cycle incl. signed bundle + durable enqueue: median ${ms(median(full))}, max ${ms(Math.max(...full))} (target ≤ 1000 ms)`,
);
