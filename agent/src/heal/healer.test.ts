import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { testRule } from "../../../lib/rules/testing.ts";
import { catalogueOf } from "../../../lib/runbook-types.ts";
import { TEST_SPECS } from "../../../lib/testing/runbook-specs.ts";
import { verifyChain } from "../../../protocol/chain.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { generateKeyPair, keyIdOf } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import { DEFAULT_SITE_CONFIG, type SiteConfig } from "../../../protocol/sync.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { startWinRmServer } from "../../../test/winrm-server/server.ts";
import { ChainStore } from "../evidence/chain-store.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { scanWindowsHost } from "../runbooks/windows-checks.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient } from "../winrm/client.ts";
import { Healer, type HealerDeps, waiverOf } from "./healer.ts";
import { httpPlanClient } from "./l2/client.ts";
import { webhookNotifier } from "./l3/webhook.ts";
import { HealStore } from "./store.ts";
import { type ScriptedAnswer, startPlanServer } from "./testing/plan-server.ts";
import { startWebhookReceiver } from "./testing/receivers.ts";
import { SimRunner } from "./testing/sim-runner.ts";

const cloud = generateKeyPair();
const appliance = generateKeyPair();
const hook = startWebhookReceiver("hook-secret");
afterAll(() => hook.stop());

const drift = (checkId: string, host = "EXAM-3"): Finding =>
  sampleFinding({
    checkId,
    host,
    status: "fail",
    severity: "high",
    title: `${checkId} drifted`,
    details: {},
  });

let clock = Date.parse("2026-11-25T10:00:00Z");
let stopServer: (() => void) | undefined;

function setup(script: ScriptedAnswer[] = [], over: Partial<HealerDeps> = {}) {
  const db = openStateDb(":memory:");
  const queue = new Queue(db, { maxBytes: 50_000_000 });
  const ids = { siteId: "site-a", applianceId: "app-1" };
  const chain = new ChainStore(queue, ids, { ...appliance, keyId: keyIdOf(appliance.publicKey) });
  const server = startPlanServer(cloud.secretKey, script);
  stopServer = server.stop;
  const runner = new SimRunner();
  let n = 0;
  const store = new HealStore(db);
  const deps: HealerDeps = {
    ...ids,
    store,
    outbox: queue,
    evidence: chain,
    notifiers: [webhookNotifier({ url: hook.url, secret: "hook-secret" })],
    runner,
    catalogue: catalogueOf(TEST_SPECS),
    planClient: httpPlanClient({ baseUrl: server.url, apiKey: "mlk_test", timeoutMs: 5000 }),
    cloudPublicKey: cloud.publicKey,
    hostAttributes: () => ({ platform: "windows" }),
    policy: { l2: true, minConfidence: 0.8, maxBlastRadius: "medium", unmonitoredAfterCycles: 3 },
    now: () => new Date(clock),
    newId: (p) => `${p}-${++n}`,
    ...over,
  };
  return { healer: new Healer(deps), runner, server, chain, queue, store, db, deps };
}

/** The plan outcomes waiting in the queue, oldest first. */
const outcomes = (queue: Queue) =>
  queue
    .nextBatch("plan-outcomes", 100)
    .map(
      (i) => JSON.parse(i.payload) as { planId: string; outcome: { outcome: string; receiptId?: string } },
    );

beforeEach(() => {
  stopServer?.();
  clock = Date.parse("2026-11-25T10:00:00Z");
});

const config: SiteConfig = DEFAULT_SITE_CONFIG;

describe("Healer", () => {
  test("L1 fixes a drift with a builtin rule; the receipt is in a verifiable chain", async () => {
    const { healer, runner, chain } = setup();
    runner.set("EXAM-3", "windows.firewall", { drifted: true });
    const r = await healer.heal([drift("windows.firewall")], config);
    expect(r.fixed).toEqual({ L1: 1, L2: 0 });
    expect(r.receipts[0]).toMatchObject({
      outcome: "fixed",
      verify: "pass",
      decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
    });
    const bundles = chain.bundlesAfter(0);
    expect(bundles.map((b) => b.kind)).toEqual(["remediation"]);
    expect(verifyChain(JSON.parse(JSON.stringify(bundles)), [appliance.publicKey]).ok).toBe(true);
  });

  test("a threat goes to people: an L3 incident, no runbook, no L2 plan", async () => {
    const { healer, runner, server } = setup();
    const threat = { ...drift("windows.threat-brute-force"), details: { events: [{ eventId: 4625 }] } };
    const r = await healer.heal([threat], config);
    expect(r.escalated).toHaveLength(1);
    expect(r.escalated[0]).toMatchObject({
      tier: "L3",
      status: "open",
      checkId: "windows.threat-brute-force",
    });
    expect(r.escalated[0]!.details).toMatchObject({ ruleId: "l1-windows-threat-brute-force" });
    expect(r.fixed).toEqual({ L1: 0, L2: 0 });
    expect(r.receipts).toEqual([]);
    expect(runner.calls).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  test("an open circuit stays an L1 escalation (L1 tried and gave up)", async () => {
    const { healer, runner } = setup();
    runner.set("EXAM-3", "windows.firewall", { drifted: true, remediation: "no-effect" });
    for (let i = 0; i < 3; i++) {
      await healer.heal([drift("windows.firewall")], config);
      clock += 301_000;
    }
    const r = await healer.heal([drift("windows.firewall")], config);
    expect(r.escalated[0]).toMatchObject({ tier: "L1" });
  });

  test("L1 that keeps failing opens the circuit and escalates (never counted as a fix)", async () => {
    const { healer, runner } = setup();
    runner.set("EXAM-3", "windows.firewall", { drifted: true, remediation: "no-effect" });
    for (let i = 0; i < 3; i++) {
      const r = await healer.heal([drift("windows.firewall")], config);
      expect(r.receipts[0]?.outcome).toBe("rolled-back");
      const next = await healer.heal([drift("windows.firewall")], config);
      // Within the cooldown it waits; after the third failure the circuit is already open.
      if (i < 2) expect(next.skipped[0]?.why).toContain("cooling down");
      else expect(next.escalated[0]!.details.escalation).toContain("circuit open");
      clock += 301_000;
    }
    await expect(healer.heal([drift("windows.firewall")], config)).resolves.toMatchObject({
      fixed: { L1: 0, L2: 0 },
    });
    // The incident stays with a person: later cycles leave the drift alone.
    expect((await healer.heal([drift("windows.firewall")], config)).skipped[0]?.why).toContain(
      "open incident",
    );
  });

  test("L2 fixes a novel drift with a signed, re-checked plan and reports the outcome", async () => {
    const { healer, runner, server, chain, queue } = setup([{ plan: { params: { scope: "server" } } }]);
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true });
    const r = await healer.heal([drift("windows.smb-signing")], config);
    expect(r.fixed).toEqual({ L1: 0, L2: 1 });
    expect(server.requests[0]!.allowedRunbooks).toEqual(["windows.smb-signing"]);
    expect(runner.calls[0]).toMatchObject({ runbookId: "windows.smb-signing", params: { scope: "server" } });
    expect(r.receipts[0]!.decidedBy).toMatchObject({ tier: "L2", planId: "plan-1", model: "scripted-model" });
    expect(outcomes(queue)).toEqual([
      { planId: "plan-1", outcome: { outcome: "fixed", receiptId: r.receipts[0]!.id } },
    ]);
    expect(verifyChain(JSON.parse(JSON.stringify(chain.bundlesAfter(0))), [appliance.publicKey]).ok).toBe(
      true,
    );
  });

  const refusals: Array<[string, ScriptedAnswer, string]> = [
    [
      "a runbook off the allow-list",
      { plan: { runbookId: "windows.bitlocker" } },
      "not on this appliance's allow-list",
    ],
    ["out-of-bound parameters", { plan: { params: { scope: "everything" } } }, 'parameter "scope"'],
    ["unknown parameters", { plan: { params: { script: "rm -rf /" } } }, 'has no parameter "script"'],
    [
      "a plan signed by another key",
      { plan: {}, signWith: generateKeyPair().secretKey },
      "not the trusted key",
    ],
    ["an expired plan", { plan: { expiresAt: "2020-01-01T00:00:00.000Z" } }, "expired"],
    ["a plan for another appliance", { plan: { applianceId: "app-9" } }, "issued for appliance app-9"],
    ["a malformed body", { status: 200, body: '{"payload":{}}' }, "malformed"],
    ["rate limiting", { status: 429, body: "slow down", headers: { "retry-after": "120" } }, "rate-limited"],
    ["a cloud error", { status: 503, body: "down" }, "HTTP 503"],
    ["a needs-approval plan", { plan: { decision: "needs-approval" } }, "needs a person's approval"],
    ["low confidence", { plan: { confidence: 0.5 } }, "confidence 0.5 below 0.8"],
    ["no runbook", { plan: { runbookId: null, decision: "none", reasoning: "unclear" } }, "no safe runbook"],
  ];
  test.each(refusals)("refuses %s and escalates to L3", async (_n, answer, why) => {
    const { healer, runner, queue } = setup([answer]);
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true });
    const seen = hook.received.length;
    const r = await healer.heal([drift("windows.smb-signing")], config);
    expect(runner.calls).toEqual([]);
    expect(r.receipts).toEqual([]);
    expect(r.escalated[0]).toMatchObject({ tier: "L3", status: "open" });
    expect(String(r.escalated[0]!.summary)).toContain(why);
    expect(hook.received.length).toBe(seen + 1);
    expect(queue.peek("incidents", 5)).toHaveLength(1);
  });

  test("cloud unreachable: escalates locally and queues the incident", async () => {
    const { healer, runner, queue, deps } = setup();
    const offline = new Healer({
      ...deps,
      planClient: httpPlanClient({ baseUrl: "http://127.0.0.1:1", apiKey: "k" }),
    });
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true });
    const r = await offline.heal([drift("windows.smb-signing")], config);
    expect(r.escalated[0]!.summary).toContain("cloud unreachable");
    expect(queue.peek("incidents", 5)).toHaveLength(1);
    expect(healer.rulesVersion).toBe(0);
  });

  test("a plan for a high blast-radius runbook waits for a person", async () => {
    const { healer } = setup([{ plan: {} }], {
      policy: { l2: true, minConfidence: 0.8, maxBlastRadius: "low", unmonitoredAfterCycles: 3 },
    });
    const r = await healer.heal([drift("windows.screen-lock")], config);
    expect(r.escalated[0]!.summary).toContain("medium blast radius");
    expect(r.escalated[0]!.details).toMatchObject({ proposedRunbook: "windows.screen-lock" });
  });

  test("a failed L2 fix escalates and reports the failure", async () => {
    const { healer, runner, queue } = setup([{ plan: {} }]);
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true, remediation: "throws" });
    const r = await healer.heal([drift("windows.smb-signing")], config);
    expect(r.receipts[0]!.outcome).toBe("failed");
    expect(r.escalated[0]!.summary).toContain("did not fix it");
    expect(outcomes(queue)[0]!.outcome.outcome).toBe("failed");
  });

  test("plan outcomes go into the durable queue, never straight to the cloud", async () => {
    const { runner, server, queue, deps } = setup([{ plan: {} }]);
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true });
    // The cloud goes away between planning and the outcome: the outcome waits in the queue.
    const r = await new Healer({
      ...deps,
      runner: {
        execute: (req) => {
          server.setDown(true);
          return runner.execute(req);
        },
      },
    }).heal([drift("windows.smb-signing")], config);
    expect(r.fixed.L2).toBe(1);
    expect(server.outcomes).toEqual([]);
    expect(outcomes(queue).map((o) => o.outcome.outcome)).toEqual(["fixed"]);
  });

  test("an incident a person resolved in the cloud is closed locally, and the drift is healed again", async () => {
    const { healer, runner, server, store, chain } = setup([
      { plan: { runbookId: null, decision: "none", reasoning: "unclear" } },
    ]);
    runner.set("EXAM-3", "windows.smb-signing", { drifted: true });
    const [incident] = (await healer.heal([drift("windows.smb-signing")], config)).escalated;
    expect((await healer.heal([drift("windows.smb-signing")], config)).skipped[0]!.why).toContain(
      "open incident",
    );
    server.resolved.push({
      ...incident!,
      status: "resolved",
      resolvedBy: "admin:tok(Ana)",
      resolution: "fixed by hand",
      resolvedAt: "2026-11-25T11:00:00.000Z",
    });
    server.script.push({ plan: {} });
    const r = await healer.heal([drift("windows.smb-signing")], config);
    expect(store.incident(incident!.id)).toMatchObject({ status: "resolved", resolvedBy: "admin:tok(Ana)" });
    expect(r.fixed.L2).toBe(1);
    expect(chain.bundlesAfter(0).flatMap((b) => b.events.map((e) => e.type))).toEqual([
      "incident-opened",
      "incident-resolved",
    ]);
  });

  test("paused, disabled checks and dry runs", async () => {
    const { healer, runner } = setup();
    runner.set("EXAM-3", "windows.firewall", { drifted: true });
    const paused = await healer.heal([drift("windows.firewall")], {
      ...config,
      healing: { ...config.healing, paused: true },
    });
    expect(paused.skipped[0]!.why).toBe("healing paused for the site");
    const disabled = await healer.heal([drift("windows.firewall")], {
      ...config,
      disabledChecks: ["windows.firewall"],
    });
    expect(disabled.skipped[0]!.why).toBe("check disabled for the site");
    // An exception the clinic accepted stops healing until the end of its last day, then heals again.
    const today = new Date(clock).toISOString().slice(0, 10);
    const waived = await healer.heal([drift("windows.firewall")], {
      ...config,
      waivers: [{ checkId: "windows.firewall", exceptionId: "exc-1", until: today }],
    });
    expect(waived.skipped[0]!.why).toBe("waived: exception exc-1 accepted by the clinic");
    expect(runner.state.get("EXAM-3/windows.firewall")!.drifted).toBe(true);
    const yesterday = new Date(clock - 86_400_000).toISOString().slice(0, 10);
    expect(
      waiverOf(
        { ...config, waivers: [{ checkId: "windows.firewall", exceptionId: "exc-1", until: yesterday }] },
        "windows.firewall",
        new Date(clock),
      ),
    ).toBeUndefined();
    const dry = await healer.heal([drift("windows.firewall")], {
      ...config,
      healing: { ...config.healing, dryRun: true },
    });
    expect(dry.receipts[0]).toMatchObject({ outcome: "dry-run", dryRun: true });
    expect(dry.fixed.L1).toBe(0);
    expect(runner.state.get("EXAM-3/windows.firewall")!.drifted).toBe(true);
  });

  test("synced rule sets replace the builtin ones and survive a restart", async () => {
    const { healer, deps, runner } = setup();
    const set = {
      version: 7,
      rules: [testRule({ id: "custom-fw", action: { type: "escalate", reason: "hands off" } })],
    };
    expect(healer.updateRules(signPayload(set, cloud.secretKey)).ok).toBe(true);
    expect(healer.updateRules(signPayload({ ...set, version: 6 }, cloud.secretKey)).ok).toBe(false);
    const restarted = new Healer(deps);
    expect(restarted.rulesVersion).toBe(7);
    runner.set("EXAM-3", "windows.firewall", { drifted: true });
    const r = await restarted.heal([drift("windows.firewall")], config);
    expect(r.escalated[0]!.details.escalation).toBe("hands off");
  });

  test("a host whose checks fail every cycle (credentials refused) gets an incident, closed when they run again", async () => {
    const { healer, queue, store } = setup();
    const server = await startWinRmServer({ user: "svc", password: "right" });
    const scan = async (password: string) => {
      const client = new WinRmClient({
        host: "127.0.0.1",
        port: server.port,
        auth: { scheme: "ntlm", user: "svc", password },
      });
      try {
        return (
          await scanWindowsHost({ executor: new WinRmExecutor(client, "FS01") }, WINDOWS_CHECKS, 10_000)
        ).findings;
      } finally {
        await client.close();
      }
    };
    try {
      const seen = hook.received.length;
      // Healing paused or not, nobody monitoring a host is raised.
      const paused = { ...config, healing: { ...config.healing, paused: true } };
      for (let cycle = 1; cycle < 3; cycle++)
        expect((await healer.heal(await scan("wrong"), paused)).escalated).toEqual([]);
      const third = await healer.heal(await scan("wrong"), paused);
      expect(third.escalated).toHaveLength(1);
      const incident = third.escalated[0]!;
      expect(incident).toMatchObject({
        checkId: "agent.host-monitoring",
        host: "FS01",
        tier: "L3",
        status: "open",
      });
      expect(incident.summary).toContain("credentials rejected");
      expect(incident.summary).toContain("not being monitored");
      expect(hook.received.length).toBe(seen + 1);
      // Still failing: the same incident stays open, nobody is told twice.
      expect((await healer.heal(await scan("wrong"), paused)).escalated).toEqual([]);
      expect(store.incidents("open").map((i) => i.id)).toEqual([incident.id]);
      // The password is fixed: checks run (and find drift), the incident closes by itself.
      await healer.heal(await scan("right"), paused);
      expect(store.incident(incident.id)).toMatchObject({
        status: "resolved",
        resolvedBy: "malachor (automatic)",
      });
      const sent = queue.nextBatch("incidents", 10).map((i) => JSON.parse(i.payload).incidents[0].status);
      expect(sent).toEqual(["open", "resolved"]);
    } finally {
      await server.close();
    }
  });
});
