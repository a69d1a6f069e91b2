import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { testRule } from "../../lib/rules/testing.ts";
import { isChainHeadLine } from "../../protocol/chain-heads.ts";
import { generateKeyPair } from "../../protocol/sign.ts";
import { askForCycle } from "./harness/agent.ts";
import { runOrder } from "./harness/orders.ts";
import { Stack } from "./harness/stack.ts";
import { waitFor } from "./harness/wait.ts";

// Signed orders end to end: the real cloud signs them, the compiled agent verifies signature,
// target, expiry and nonce, runs them and reports back; an order signed by a key it does not trust
// is refused. (Mis-targeted, expired, replayed and unknown orders cannot be made through the cloud;
// agent/src/orders tests them with signed envelopes.)
let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start({ intervalSec: 10, healingPaused: true });
  // Healing is paused once the synced site config is in force; then SMBv1 drifts back on.
  await waitFor("the paused site config on the agent", async () => {
    const s = (await stack.agent.status()) as { healing: { paused: boolean } };
    return s.healing.paused;
  });
  await stack.patchWindows({ smb: { enableSMB1Protocol: true } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);
const order = (type: string, params: Record<string, unknown> = {}) =>
  runOrder(
    stack.cloud,
    { siteId: stack.siteId, applianceId: stack.applianceId, statusUrl: stack.agent.statusUrl },
    type,
    params,
  );

describe("signed orders (compiled agent, real cloud)", () => {
  test("run_check runs the named checks now and reports their results", async () => {
    const o = await order("run_check", { checkIds: ["windows.smb1", "linux.ssh-hardening"] });
    expect(o.completion?.status).toBe("succeeded");
    const findings = o.completion?.result.findings as { checkId: string; status: string }[];
    expect(findings.map((f) => f.checkId).sort()).toEqual(["linux.ssh-hardening", "windows.smb1"]);
    expect(findings.find((f) => f.checkId === "windows.smb1")?.status).toBe("fail");
  }, 120_000);

  test("run_runbook fixes a drift on the Windows host and verifies it", async () => {
    const o = await order("run_runbook", { runbookId: "windows.smb1", host: "127.0.0.1" });
    expect(o.completion).toMatchObject({
      status: "succeeded",
      result: { runbookId: "windows.smb1", after: "pass" },
    });
    const state = (await stack.windowsState()) as { smb: { enableSMB1Protocol: boolean } };
    expect(state.smb.enableSMB1Protocol).toBe(false);
  }, 120_000);

  test("accept_baseline takes a new scheduled task into the host's baseline, as a person decided", async () => {
    await stack.patchWindows({
      scheduledTasks: [
        { taskName: "ClinicSync", taskPath: "\\", state: "Ready", execute: "C:\\ClinicSync\\sync.exe" },
      ],
    });
    const o = await order("accept_baseline", { host: "127.0.0.1", checkId: "windows.persistence-tasks" });
    expect(o.completion).toMatchObject({
      status: "succeeded",
      result: {
        host: "127.0.0.1",
        checkId: "windows.persistence-tasks",
        accepted: ["\\ClinicSync => C:\\ClinicSync\\sync.exe"],
      },
    });
    const check = await order("run_check", { checkIds: ["windows.persistence-tasks"] });
    const findings = (check.completion?.result.findings ?? []) as { status: string }[];
    expect(findings.map((f) => f.status)).toEqual(["pass"]);
  }, 120_000);

  test("run_runbook with parameters outside the runbook's bounds fails without touching the host", async () => {
    const o = await order("run_runbook", {
      runbookId: "windows.smb1",
      host: "127.0.0.1",
      params: { nope: 1 },
    });
    expect(o.completion?.status).toBe("failed");
    expect(o.completion?.error).toMatch(/has no parameter "nope"/);
  }, 120_000);

  test("sync_rules applies a newly published rule set at once", async () => {
    const rule = testRule({
      id: "r-clinic-smb1",
      description: "this clinic: turn SMBv1 off whenever it is seen",
      priority: 50,
      match: { checks: ["windows.smb1"], statuses: ["fail"], conditions: [] },
      action: { type: "runbook", runbookId: "windows.smb1", params: {} },
      cooldownSec: 0,
      flap: { windowSec: 3600, maxFixes: 5 },
    });
    const published = await stack.cloud.api<{ version: number }>("PUT", `/api/sites/${stack.siteId}/rules`, {
      rules: [rule],
    });
    const o = await order("sync_rules");
    // The order applies the set, unless the daemon's check-in (which syncs whenever the rules
    // version moves) got there first; either way the published set is the one in force.
    expect(o.completion?.status).toBe("succeeded");
    expect(o.completion?.result.rulesVersion).toBe(published.version);
    // Asked again, the same set is already in use: nothing to apply, still a success.
    const again = await order("sync_rules");
    expect(again.completion).toMatchObject({ status: "succeeded", result: { applied: false } });
  }, 120_000);

  test("collect_diagnostics reports the appliance's state", async () => {
    const o = await order("collect_diagnostics");
    expect(o.completion?.status).toBe("succeeded");
    expect(o.completion?.result).toMatchObject({
      applianceId: stack.applianceId,
      siteId: stack.siteId,
      update: { status: "pass" },
    });
    const chain = o.completion?.result.chain as { seq: number } | undefined;
    expect(chain?.seq).toBeGreaterThanOrEqual(1);
  }, 120_000);

  test("every executed order is in the evidence chain", async () => {
    const jsonl = await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`);
    const events = jsonl
      .split("\n")
      .filter((l) => l && !isChainHeadLine(JSON.parse(l)))
      .flatMap((l) => (JSON.parse(l) as { events: { type: string; details: { type?: string } }[] }).events);
    const executed = events.filter((e) => e.type === "order-executed").map((e) => e.details.type);
    expect(executed).toEqual(
      expect.arrayContaining(["run_check", "run_runbook", "sync_rules", "collect_diagnostics"]),
    );
    // The person-ordered runbook left a remediation receipt naming the order.
    const receipts = jsonl
      .split("\n")
      .filter(Boolean)
      .flatMap(
        (l) =>
          (
            JSON.parse(l) as {
              receipts: {
                runbookId: string;
                decidedBy: { tier: string; orderId?: string };
                outcome: string;
              }[];
            }
          ).receipts,
      );
    expect(receipts).toContainEqual(
      expect.objectContaining({
        runbookId: "windows.smb1",
        outcome: "fixed",
        decidedBy: expect.objectContaining({ tier: "L3", orderId: expect.any(String) }),
      }),
    );
  }, 60_000);

  test("an order signed by a key the appliance does not trust is refused, with the reason, and recorded", async () => {
    // Same as a forged order: the appliance now trusts another cloud key than the one signing.
    await stack.agent.stop();
    const other = generateKeyPair().publicKey;
    const cfg = readFileSync(stack.agent.paths.config, "utf8");
    writeFileSync(stack.agent.paths.config, cfg.replace(/^public_key = ".*"$/m, `public_key = "${other}"`));
    await stack.agent.start();
    const o = await order("collect_diagnostics");
    expect(o.completion?.status).toBe("refused");
    expect(o.completion?.error).toMatch(
      /order signature rejected: signed by key [0-9a-f]{16}, which is not a trusted key/,
    );
    expect(o.completion?.result).toEqual({ code: "bad-signature" });
    // The event goes into the next cycle's bundle.
    await waitFor(
      "the order-refused event at the cloud",
      async () => {
        const jsonl = await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`);
        if (jsonl.includes('"order-refused"') && jsonl.includes("bad-signature")) return true;
        await askForCycle(stack.agent.statusUrl);
        return false;
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);
});
