import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { verifyChain } from "../../../protocol/chain.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { FixtureHost } from "../checks/fixture-host.ts";
import { startFakeCloud } from "../cloud-client/fake-cloud.fixture.ts";
import { loadConfig } from "../config/load.ts";
import { loadIdentity } from "../evidence/identity.ts";
import { jsonLogger } from "../log/logger.ts";
import { StatusSnapshot } from "../status/snapshot.ts";
import type { CheckProvider, Healer } from "./providers.ts";
import { startDaemon } from "./start.ts";
import { writeTestConfig } from "./test-config.fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-daemon-"));
const cloud = startFakeCloud();
afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

const host = new FixtureHost({
  files: { "/etc/passwd": "root:x:0:0::/root:/bin/sh\n" },
  commands: { "ss -H -tuln": "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n" },
});
const notes: string[] = [];
const notifier = { active: true, watchdogIntervalMs: 20, notify: (m: string) => notes.push(m) };
const hung: CheckProvider = { name: "windows", timeoutMs: 300, collect: () => new Promise(() => {}) };
// A healer that only tracks the rule set it was offered (the real one verifies; see heal/).
const offeredRules: number[] = [];
const healer: Healer = {
  heal: async () => undefined,
  updateRules(signed) {
    offeredRules.push((signed.payload as { version: number }).version);
    return { ok: true };
  },
  get rulesVersion() {
    return offeredRules.at(-1) ?? 0;
  },
};

describe("malachor run (in process, against a loopback cloud)", async () => {
  const config = loadConfig(
    writeTestConfig(dir, { cloudUrl: cloud.url, apiKey: cloud.apiKey, publicKey: cloud.orderKey.publicKey }),
  );
  const logs: string[] = [];
  const log = jsonLogger({ level: "debug", out: (l) => logs.push(l), err: (l) => logs.push(l) });
  const agent = await startDaemon(config, {
    log,
    host,
    notifier,
    providers: [hung],
    healer,
  });
  const publicKey = loadIdentity(config.appliance.identity_key_file).publicKey;

  test("first cycle: READY=1, a signed bundle at the cloud, checkin with the chain head", async () => {
    expect(notes[0]).toStartWith("READY=1");
    await until("bundle 1 at the cloud", () => cloud.state.bundles.length >= 1);
    const b = cloud.state.bundles[0]!;
    // evidence = "changes" (the default): the first cycle records the whole state.
    expect(b.kind).toBe("state-snapshot");
    expect(b.findings.map((f) => f.checkId)).toContain("linux.uid0-accounts");
    expect(b.findings.map((f) => f.checkId)).toContain("agent.queue-capacity");
    // The hung provider costs one error finding, not the cycle.
    expect(b.findings.find((f) => f.checkId === "windows.provider")).toMatchObject({ status: "error" });
    const checkin = cloud.state.checkins[0]!;
    expect(checkin.chain.seq).toBeGreaterThanOrEqual(1);
    // The head rides signed with the identity key: the cloud keeps it to prove exports complete.
    expect(checkin.signedHead?.payload).toMatchObject({ seq: checkin.chain.seq, hash: checkin.chain.head });
    expect(verifyEnvelope(checkin.signedHead!, publicKey)).toEqual({ ok: true });
    await until("watchdog pings", () => notes.includes("WATCHDOG=1"));
  });

  test("the local API serves a valid status snapshot and the status page", async () => {
    const s = await (await fetch(`${agent.apiUrl}/api/status`)).json();
    const snap = v.parse(StatusSnapshot, s);
    expect(snap.applianceId).toBe("app-1");
    expect(snap.findings.length).toBeGreaterThan(5);
    expect(snap.lastSync?.ok).toBe(true);
    const page = await fetch(`${agent.apiUrl}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain("app-1");
    expect((await fetch(`${agent.apiUrl}/api/nope`)).status).toBe(404);
  });

  test("the signed site config applies and is recorded as an event", async () => {
    cloud.siteConfig = {
      ...cloud.siteConfig,
      version: 2,
      checkIntervalSec: 30,
      disabledChecks: ["linux.firewall"],
    };
    await until("v2 applied", () => {
      agent.daemon.nudge();
      return agent.daemon.intervalSec === 30;
    });
    const changed = () =>
      cloud.state.bundles.find((b) =>
        b.events.some((e) => e.type === "config-changed" && e.details.to === 2),
      );
    await until("the bundle recording the change", () => {
      agent.daemon.nudge();
      return changed() !== undefined;
    });
    // The event rides in the first cycle run under the new config.
    expect(changed()!.findings.map((f) => f.checkId)).not.toContain("linux.firewall");
  });

  test("a new rule set is synced when only the rules moved (e.g. a promoted L1 rule)", async () => {
    await until("the first rule set", () => offeredRules.includes(1));
    cloud.ruleSet = { version: 2, rules: [] };
    await until("rule set v2 offered to the healer", () => {
      agent.daemon.nudge();
      return offeredRules.includes(2);
    });
    expect(cloud.siteConfig.version).toBe(2);
  });

  test("cloud down: evidence keeps queueing; flush through the local API delivers it in order", async () => {
    cloud.failWith = { status: 503 };
    const held = cloud.state.bundles.length;
    // A quiet cycle signs nothing: ask for a snapshot (what an auditor's request does).
    expect((await fetch(`${agent.apiUrl}/api/cycle?snapshot=1`, { method: "POST" })).status).toBe(202);
    await until("a bundle signed while the cloud is down", () => {
      agent.daemon.nudge();
      return agent.daemon.snapshot().chain.seq > held;
    });
    await until("the failed contact is visible", () => agent.daemon.snapshot().lastSync?.ok === false);
    expect(agent.daemon.snapshot().warnings.map((w) => w.code)).toContain("cloud-unreachable");
    cloud.failWith = undefined;
    const r = await (await fetch(`${agent.apiUrl}/api/queue/flush`, { method: "POST" })).json();
    expect(r.cloud).toBe(true);
    expect(r.stats.streams.evidence.depth).toBe(0);
    const seq = agent.daemon.snapshot().chain.seq;
    expect(cloud.state.bundles.map((b) => b.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    expect(verifyChain(cloud.state.bundles, [publicKey]).ok).toBe(true);
  });

  test("SIGTERM-style stop finishes cleanly and the log is JSON lines", async () => {
    await agent.stop();
    expect(notes).toContain("STOPPING=1");
    for (const l of logs) expect(() => JSON.parse(l)).not.toThrow();
    expect(logs.map((l) => JSON.parse(l).msg)).toContain("stopped");
  });
});

describe("a nudge that arrives during a cycle", () => {
  test("the cycle it asks for runs as soon as the current one ends, not after the interval", async () => {
    const own = mkdtempSync(join(dir, "nudge-"));
    // No cloud key: the loop checks and queues offline, so only cycles take time.
    const config = loadConfig(writeTestConfig(own));
    let collects = 0;
    let release: (() => void) | undefined;
    // The second cycle holds in its check until the test lets it go.
    const gate: CheckProvider = {
      name: "windows",
      timeoutMs: 5_000,
      collect: async () => {
        collects++;
        if (collects === 2) await new Promise<void>((r) => (release = r));
        return [];
      },
    };
    const running = await startDaemon(config, {
      log: jsonLogger({ level: "error", out: () => {}, err: () => {} }),
      host,
      notifier: { active: false, watchdogIntervalMs: undefined, notify: () => {} },
      providers: [gate],
      healer,
    });
    try {
      await until("the first cycle", () => collects >= 1 && running.daemon.snapshot().lastCycle !== null);
      running.daemon.nudge(); // asleep: the second cycle starts now
      await until("the second cycle held in its check", () => release !== undefined);
      running.daemon.nudge(); // during the cycle: remembered
      running.daemon.nudge(); // a second one asks for the same cycle
      release!();
      // The interval is 10 s: only the remembered nudge starts a third cycle within 3 s.
      await until("a third cycle right after the second", () => collects >= 3, 3_000);
      await Bun.sleep(500);
      expect(collects).toBe(3);
    } finally {
      await running.stop();
    }
  });
});
