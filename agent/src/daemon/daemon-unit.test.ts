import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyStateChain } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { CloudClient } from "../cloud-client/client.ts";
import { parseConfig } from "../config/load.ts";
import { jsonLogger } from "../log/logger.ts";
import { testDaemon } from "./daemon.fixture.ts";
import type { CheckProvider } from "./providers.ts";
import type { SystemdNotifier } from "./sd-notify.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-daemon-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function daemon(
  opts: {
    extra?: string;
    notes?: string[];
    stallLimitMs?: number;
    providers?: CheckProvider[];
    notifier?: SystemdNotifier;
    log?: (line: string) => void;
    client?: CloudClient;
    /** The appliance's directory, to start a daemon again on the same state. */
    sub?: string;
  } = {},
) {
  const { extra = "", notes = [], stallLimitMs, providers = [] } = opts;
  const sub = opts.sub ?? join(dir, `d${++n}`);
  const config = parseConfig(
    `[cloud]\nurl = "http://127.0.0.1:9"\n[appliance]\nsite_id = "s"\nappliance_id = "a"\nstate_dir = "state"\n${extra}`,
    join(sub, "config.toml"),
  );
  const { d, state, chain } = testDaemon(config, {
    client: opts.client ?? null,
    providers,
    ...(opts.log ? { log: jsonLogger({ level: "info", out: opts.log, err: opts.log }) } : {}),
    notifier: opts.notifier ?? { active: true, watchdogIntervalMs: 10, notify: (m) => notes.push(m) },
    stallLimitMs,
  });
  return { d, state, chain, sub };
}

test("near the queue bound: a warn finding, a queue-near-bound event once, a checkin warning", async () => {
  const { d, state, chain } = daemon({ extra: "[queue]\nmax_bytes = 1048576\n" });
  const pad = "x".repeat(10_000);
  state.queue.enqueueMany(
    Array.from({ length: 100 }, (_, i) => ({ stream: "telemetry" as const, key: `t${i}`, payload: pad })),
  );
  const first = await d.runCycle();
  expect(first.find((f) => f.checkId === "agent.queue-capacity")).toMatchObject({ status: "warn" });
  expect(d.snapshot().warnings.map((w) => w.code)).toContain("queue-near-bound");
  await d.runCycle();
  const events = chain.bundlesAfter(0).flatMap((b) => b.events.map((e) => e.type));
  expect(events.filter((t) => t === "queue-near-bound")).toHaveLength(1);
  await d.stop();
});

test("offline (no API key): cycles still sign and queue evidence; cloud step is skipped", async () => {
  const { d, chain, state } = daemon();
  await d.runCycle();
  expect(await d.cloudStep()).toBeUndefined();
  expect(chain.head().seq).toBe(1);
  expect(state.queue.stats().streams.evidence.depth).toBe(1);
  expect(d.intervalSec).toBe(60);
  await d.stop();
});

test("the watchdog is fed only while the loop makes progress", async () => {
  const fed: string[] = [];
  const healthy = daemon({ notes: fed });
  healthy.d.start();
  const pings = () => fed.filter((m) => m === "WATCHDOG=1").length;
  for (let i = 0; i < 300 && pings() < 3; i++) await Bun.sleep(10);
  await healthy.d.stop();
  expect(pings()).toBeGreaterThanOrEqual(3);

  const starved: string[] = [];
  const stuck = daemon({ notes: starved, stallLimitMs: 1 }); // any pause counts as a stall
  stuck.d.start();
  await Bun.sleep(100);
  await stuck.d.stop();
  expect(starved[0]).toStartWith("READY=1");
  expect(starved.filter((m) => m === "WATCHDOG=1").length).toBeLessThanOrEqual(1);
});

test("a provider's malformed or disabled findings never reach the chain", async () => {
  const good = sampleFinding({ checkId: "windows.defender", host: "FRONTDESK-01" });
  const provider: CheckProvider = {
    name: "windows",
    collect: async () => [
      good,
      { ...good, checkId: "windows.firewall", citations: ["not a citation"] },
      { ...good, checkId: "windows.bitlocker" },
    ],
  };
  const { d, chain } = daemon({
    extra: '[checks]\ndisabled = ["windows.bitlocker"]\n',
    providers: [provider],
  });
  const findings = await d.runCycle();
  expect(findings.map((f) => [f.checkId, f.status])).toEqual([
    ["windows.defender", "pass"],
    ["windows.provider", "error"],
    ["agent.queue-capacity", "pass"],
    ["agent.evidence-upload", "pass"],
    ["agent.cloud-log", "pass"],
  ]);
  expect(findings[1]!.actual).toMatch(/malformed finding from windows: citations\.0/);
  expect(chain.bundlesAfter(0)).toHaveLength(1);
  await d.stop();
});

test("a broken notify socket is logged once, never fatal", async () => {
  let calls = 0;
  const broken: SystemdNotifier = {
    active: true,
    watchdogIntervalMs: 5,
    notify: () => {
      calls++;
      throw new Error("sendto failed");
    },
  };
  const { d } = daemon({ notifier: broken });
  d.start();
  await Bun.sleep(50);
  await d.stop();
  expect(calls).toBeGreaterThan(2);
});

test("a cycle larger than one bundle spans several chained bundles, losing nothing", async () => {
  const many: CheckProvider = {
    name: "windows",
    collect: async () =>
      Array.from({ length: 2_500 }, (_, i) =>
        sampleFinding({ checkId: "windows.defender", host: `PC-${i}` }),
      ),
  };
  const { d, chain } = daemon({ providers: [many] });
  const findings = await d.runCycle();
  expect(findings).toHaveLength(2_503); // 2,500 + the agent's own queue, upload and cloud-log findings
  const bundles = chain.bundlesAfter(0);
  expect(bundles.map((b) => b.findings.length)).toEqual([2_000, 503]);
  expect(d.snapshot().lastCycle?.summary.pass).toBe(2_503);
  await d.stop();
});

test("a stop that arrives during the cloud step ends the loop when the step ends, not after the interval", async () => {
  let release: () => void = () => {};
  let called: () => void = () => {};
  const checkin = new Promise<void>((r) => {
    called = r;
  });
  // A cloud that holds the checkin until the test lets it answer.
  const cloud = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => {
      called();
      return new Promise<Response>((r) => {
        release = () => r(new Response("down", { status: 503 }));
      });
    },
  });
  const logs: string[] = [];
  const client = new CloudClient({
    baseUrl: `http://127.0.0.1:${cloud.port}`,
    apiKey: "k",
    timeoutMs: 60_000,
  });
  const { d } = daemon({ client, log: (l) => logs.push(l) });
  d.start();
  await checkin;
  const stopped = d.stop(30_000); // the interval is 60 s: the loop must not sleep it out
  release();
  await stopped;
  cloud.stop(true);
  expect(logs.join("\n")).not.toContain("stopping without waiting");
  expect(logs.join("\n")).toContain('"msg":"stopped"');
});

test('evidence = "changes": a snapshot, nothing while quiet, a delta on change, a snapshot on demand', async () => {
  let status: "pass" | "fail" = "pass";
  const provider: CheckProvider = {
    name: "fixed",
    collect: async () => [sampleFinding({ status, observedAt: new Date().toISOString() })],
  };
  const { d, chain } = daemon({ extra: '[checks]\nevidence = "changes"\n', providers: [provider] });
  await d.runCycle();
  await d.runCycle();
  status = "fail";
  await d.runCycle();
  d.askSnapshot();
  await d.runCycle();
  const bundles = chain.bundlesAfter(0);
  expect(bundles.map((b) => [b.v, b.kind, b.findings.length])).toEqual([
    [2, "state-snapshot", 4],
    // The second cycle changed nothing: its time rides in the delta's quiet cycles.
    [2, "state-delta", 1],
    [2, "state-snapshot", 4],
  ]);
  const delta = bundles[1]!;
  expect(delta.v === 2 && delta.state?.quiet?.at).toHaveLength(1);
  expect(verifyStateChain(bundles)).toEqual({ ok: true });
  await d.stop();
});

test('evidence = "changes": a restarted daemon carries on from the saved encoder state, no new snapshot', async () => {
  let status: "pass" | "fail" = "pass";
  const provider: CheckProvider = {
    name: "fixed",
    collect: async () => [sampleFinding({ status, observedAt: new Date().toISOString() })],
  };
  const extra = '[checks]\nevidence = "changes"\n';
  const first = daemon({ extra, providers: [provider] });
  await first.d.runCycle();
  await first.d.runCycle(); // quiet: its time is saved, not signed
  await first.d.stop();
  const logs: string[] = [];
  const again = daemon({ extra, providers: [provider], sub: first.sub, log: (l) => logs.push(l) });
  status = "fail";
  await again.d.runCycle();
  const bundles = again.chain.bundlesAfter(0);
  expect(bundles.map((b) => [b.kind, b.findings.length])).toEqual([
    ["state-snapshot", 4],
    ["state-delta", 1],
  ]);
  // The quiet cycle before the restart is proven in the delta after it.
  const delta = bundles[1]!;
  expect(delta.v === 2 && delta.state?.quiet?.at).toHaveLength(1);
  expect(verifyStateChain(bundles)).toEqual({ ok: true });
  expect(logs.join("\n")).not.toContain("encoder");
  await again.d.stop();
});
