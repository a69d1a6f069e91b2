/**
 * Healing end to end on the agent side, every party real and on loopback: the cloud app (PGlite)
 * with its L2 broker, a scripted OpenAI-compatible LLM, the WinRM test server holding a drifted
 * Windows host, the runbooks runner over NTLM-sealed WS-Man, the agent's queue and evidence chain,
 * webhook and SMTP receivers. L1 fixes known drift, L2 fixes novel drift, a refused plan goes to
 * people, receipts verify as a chain, and five L2 successes promote a pattern to an L1 rule.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { CloudClient } from "../../agent/src/cloud-client/client.ts";
import { drainQueue } from "../../agent/src/cloud-client/uploader.ts";
import { ChainStore } from "../../agent/src/evidence/chain-store.ts";
import { catalogueRunner } from "../../agent/src/heal/catalogue-runner.ts";
import { Healer } from "../../agent/src/heal/healer.ts";
import { httpPlanClient } from "../../agent/src/heal/l2/client.ts";
import { emailNotifier } from "../../agent/src/heal/l3/email.ts";
import { webhookNotifier } from "../../agent/src/heal/l3/webhook.ts";
import { HealStore } from "../../agent/src/heal/store.ts";
import { startWebhookReceiver } from "../../agent/src/heal/testing/receivers.ts";
import { openStateDb } from "../../agent/src/queue/db.ts";
import { Queue } from "../../agent/src/queue/queue.ts";
import { WinRmExecutor } from "../../agent/src/runbooks/winrm-executor.ts";
import { WinRmClient } from "../../agent/src/winrm/client.ts";
import { toolName } from "../../cloud/src/plan/prompt.ts";
import { configurePlanner } from "../../cloud/src/plan/settings.ts";
import { startLlmServer } from "../../cloud/src/plan/testing/llm-server.ts";
import { testPlannerSettings } from "../../cloud/src/plan/testing/settings.ts";
import { makeTestCloud, type TestAppliance, type TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { startSmtpTestServer } from "../../lib/mail/smtp-test-server.ts";
import { catalogueOf } from "../../lib/runbook-types.ts";
import { AGENT_API } from "../../protocol/api.ts";
import { verifyChain } from "../../protocol/chain.ts";
import type { Finding } from "../../protocol/finding.ts";
import type { Incident } from "../../protocol/incident.ts";
import { keyIdOf } from "../../protocol/sign.ts";
import { DEFAULT_SITE_CONFIG, SyncResponse } from "../../protocol/sync.ts";
import { sampleFinding } from "../../protocol/testkit.ts";
import { RUNBOOK_SPECS, runbookById } from "../../runbooks/index.ts";
import { startWinRmServer, type WinRmServer } from "../winrm-server/server.ts";
import { REG } from "../winrm-server/state.ts";

const HOST = "CLINIC-FS01";
const USER = "CLINIC\\svc-malachor";
const PASSWORD = "heal-e2e-pw";

let cloud: TestCloud;
let cloudServer: ReturnType<typeof Bun.serve>;
let app: TestAppliance;
let winrm: WinRmServer;
let client: WinRmClient;
const llm = startLlmServer();
const hook = startWebhookReceiver("e2e-secret");
let smtp: Awaited<ReturnType<typeof startSmtpTestServer>>;
let healer: Healer;
let store: HealStore;
let chain: ChainStore;
let queue: Queue;
let n = 0;
const cloudUrl = () => `http://127.0.0.1:${cloudServer.port}`;

beforeAll(async () => {
  cloud = await makeTestCloud();
  cloudServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => cloud.app.fetch(req) });
  await cloud.createSite("site-e2e");
  app = await cloud.createAppliance("site-e2e");
  configurePlanner(
    cloud.deps.db,
    testPlannerSettings(llm.url, { timeoutMs: 5000, catalogue: catalogueOf(RUNBOOK_SPECS) }),
  );
  winrm = await startWinRmServer({ user: USER, password: PASSWORD });
  client = new WinRmClient({
    host: "127.0.0.1",
    port: winrm.port,
    auth: { scheme: "ntlm", user: USER, password: PASSWORD },
  });
  const executor = new WinRmExecutor(client, HOST);
  smtp = await startSmtpTestServer();

  const db = openStateDb(":memory:");
  queue = new Queue(db, { maxBytes: 100_000_000 });
  const ids = { siteId: app.siteId, applianceId: app.applianceId };
  chain = new ChainStore(queue, ids, { ...app.key, keyId: keyIdOf(app.key.publicKey) });
  store = new HealStore(db);
  healer = new Healer({
    ...ids,
    store,
    outbox: queue,
    evidence: chain,
    notifiers: [
      webhookNotifier({ url: hook.url, secret: "e2e-secret" }),
      emailNotifier({ url: smtp.url, from: "malachor@clinic.example", to: ["it@msp.example"] }),
    ],
    runner: catalogueRunner({
      runbook: runbookById,
      executorFor: (h) => (h === HOST ? executor : undefined),
    }),
    catalogue: catalogueOf(RUNBOOK_SPECS),
    planClient: httpPlanClient({
      baseUrl: `http://127.0.0.1:${cloudServer.port}`,
      apiKey: app.apiKey,
      timeoutMs: 10_000,
    }),
    cloudPublicKey: cloud.deps.keys.publicKey,
    hostAttributes: () => ({ platform: "windows" }),
    policy: { l2: true, minConfidence: 0.7, maxBlastRadius: "low", unmonitoredAfterCycles: 3 },
    now: () => new Date(),
    newId: (p) => `${p}-e2e-${++n}`,
  });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await winrm?.close();
  cloudServer?.stop(true);
  llm.stop();
  hook.stop();
  await smtp?.close();
  await cloud?.close();
});

function drift(checkId: string): Finding {
  return sampleFinding({
    checkId,
    host: HOST,
    status: "fail",
    severity: "high",
    title: `${checkId} drifted`,
    expected: "compliant",
    actual: "drifted",
    citations: ["§164.312(b)"],
    details: {},
  });
}

const screenLock = (maxSeconds: number) => ({
  tool: toolName("windows.screen-lock"),
  args: {
    params: { max_seconds: maxSeconds },
    confidence: 0.9,
    reasoning: "no inactivity limit set",
    requiresHumanReview: false,
  },
});

describe("three-tier healing, end to end", () => {
  test("L1 fixes a drifted firewall with a builtin rule over WinRM", async () => {
    expect(winrm.state.firewall.Public.enabled).toBe(false);
    const r = await healer.heal([drift("windows.firewall")], DEFAULT_SITE_CONFIG);
    expect(r.fixed).toEqual({ L1: 1, L2: 0 });
    expect(r.receipts[0]).toMatchObject({
      runbookId: "windows.firewall",
      outcome: "fixed",
      verify: "pass",
      decidedBy: { tier: "L1", ruleId: "l1-windows-firewall" },
      before: { status: "fail" },
      after: { status: "pass" },
    });
    expect(winrm.state.firewall.Public.enabled).toBe(true);
  }, 30_000);

  test("L2 fixes a novel drift with the cloud's signed plan (scripted model reply)", async () => {
    expect(winrm.state.registry[REG.system]?.InactivityTimeoutSecs).toBeUndefined();
    llm.script.push(screenLock(600));
    const r = await healer.heal([drift("windows.screen-lock")], DEFAULT_SITE_CONFIG);
    expect(r.fixed).toEqual({ L1: 0, L2: 1 });
    expect(r.receipts[0]).toMatchObject({
      runbookId: "windows.screen-lock",
      params: { max_seconds: 600 },
      outcome: "fixed",
      decidedBy: { tier: "L2", model: "scripted-llm-1" },
    });
    expect(Number(winrm.state.registry[REG.system]?.InactivityTimeoutSecs)).toBe(600);
    // The model was offered only the runbook for this check.
    expect(llm.requests.at(-1)!.tools!.map((t) => t.function.name)).toEqual([
      toolName("windows.screen-lock"),
    ]);
  }, 30_000);

  test("a refused plan escalates to L3: webhook, mail, cloud incident a person resolves", async () => {
    llm.script.push({
      tool: toolName("windows.bitlocker"),
      args: { params: {}, confidence: 1, reasoning: "encrypt everything", requiresHumanReview: false },
    });
    const hooks = hook.received.length;
    const r = await healer.heal([drift("windows.backup")], DEFAULT_SITE_CONFIG);
    expect(r.receipts).toEqual([]);
    expect(r.escalated).toHaveLength(1);
    const incident = r.escalated[0]!;
    expect(incident).toMatchObject({ tier: "L3", status: "open", checkId: "windows.backup" });
    expect(incident.summary).toContain("not an allowed runbook");
    expect(hook.received.length).toBe(hooks + 1);
    expect(hook.received.at(-1)!.verified).toBe(true);
    expect(smtp.received.at(-1)!.data).toContain("windows.backup on CLINIC-FS01");

    // The agent's uploader delivers the queue: the incident, and the receipts' evidence bundles,
    // which the cloud verifies (signature, link, sequence) and stores.
    const drained = await drainQueue(
      queue,
      new CloudClient({ baseUrl: cloudUrl(), apiKey: app.apiKey }),
      chain,
    );
    expect(drained.warnings).toEqual([]);
    expect(drained.delivered).toMatchObject({ incidents: 1, evidence: 3 });
    const tech = await cloud.adminToken("msp-tech", "site-e2e");
    const listed = (await (
      await cloud.call("GET", "/api/sites/site-e2e/incidents?status=open", { bearer: tech })
    ).json()) as {
      incidents: Array<{ incident: Incident }>;
    };
    expect(listed.incidents.map((i) => i.incident.id)).toEqual([incident.id]);
    const res = await cloud.call(
      "POST",
      `/api/sites/site-e2e/incidents/${app.applianceId}/${incident.id}/resolve`,
      {
        bearer: tech,
        body: { resolution: "backup job re-created by the technician" },
      },
    );
    expect(res.status).toBe(200);
    // The appliance learns of the resolution at its next pass and closes its own copy.
    await healer.heal([], DEFAULT_SITE_CONFIG);
    expect(store.incident(incident.id)).toMatchObject({
      status: "resolved",
      resolution: "backup job re-created by the technician",
    });
  }, 30_000);

  test("every receipt is in the appliance's signed chain, which verifies", () => {
    const bundles = JSON.parse(JSON.stringify(chain.bundlesAfter(0)));
    const result = verifyChain(bundles, [app.key.publicKey]);
    expect(result.ok).toBe(true);
    const receipts = bundles.flatMap((b: { receipts: unknown[] }) => b.receipts);
    expect(receipts).toHaveLength(2);
    expect(bundles.map((b: { kind: string }) => b.kind)).toEqual([
      "remediation",
      "remediation",
      "event",
      "event",
    ]);
  });

  test("after 5 L2 successes the pattern is promoted; the synced rule then fixes it at L1", async () => {
    const admin = await cloud.adminToken("msp-admin");
    // One success so far (the test above); four more rounds of the same drift and the same plan.
    for (let i = 0; i < 4; i++) {
      delete winrm.state.registry[REG.system]!.InactivityTimeoutSecs;
      llm.script.push(screenLock(600));
      const r = await healer.heal([drift("windows.screen-lock")], DEFAULT_SITE_CONFIG);
      expect(r.fixed.L2).toBe(1);
    }
    // Plan outcomes travel through the appliance's queue, like every other message to the cloud.
    const drained = await drainQueue(
      queue,
      new CloudClient({ baseUrl: cloudUrl(), apiKey: app.apiKey }),
      chain,
    );
    expect(drained.warnings).toEqual([]);
    expect(drained.delivered["plan-outcomes"]).toBe(4);
    const list = (await (
      await cloud.call("GET", "/api/learning/patterns?status=candidate", { bearer: admin })
    ).json()) as {
      patterns: Array<{ pattern: string; successes: number; runbookId: string }>;
    };
    expect(list.patterns).toHaveLength(1);
    expect(list.patterns[0]).toMatchObject({ successes: 5, runbookId: "windows.screen-lock" });
    const approved = await cloud.call("POST", `/api/learning/patterns/${list.patterns[0]!.pattern}/approve`, {
      bearer: admin,
    });
    expect(approved.status).toBe(200);
    const { ruleId } = (await approved.json()) as { ruleId: string };

    const sync = v.parse(
      SyncResponse,
      await (await cloud.call("GET", AGENT_API.sync, { bearer: app.apiKey })).json(),
    );
    const update = healer.updateRules(sync.rules);
    expect(update.ok).toBe(true);
    expect(healer.rulesVersion).toBeGreaterThan(0);

    delete winrm.state.registry[REG.system]!.InactivityTimeoutSecs;
    const calls = llm.requests.length;
    const r = await healer.heal([drift("windows.screen-lock")], DEFAULT_SITE_CONFIG);
    expect(r.fixed).toEqual({ L1: 1, L2: 0 });
    expect(r.receipts[0]!.decidedBy).toEqual({ tier: "L1", ruleId, ruleVersion: 1 });
    expect(llm.requests.length).toBe(calls);
    expect(verifyChain(JSON.parse(JSON.stringify(chain.bundlesAfter(0))), [app.key.publicKey]).ok).toBe(true);
  }, 60_000);
});
