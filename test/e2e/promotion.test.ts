import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, chromiumPresent, launchBrowser } from "../browser/browser.ts";
import { signInWithToken } from "../browser/dashboard-sign-in.ts";
import { WIDTHS } from "../browser/screenshots.ts";
import {
  type DemoPlanner,
  driveToPromotion,
  L2_CHECK,
  L2_RUNBOOK,
  PROMOTION_AFTER,
  staleBackup,
  startDemoPlanner,
} from "../demo/l2.ts";
import { fixesIn } from "../demo/watch.ts";
import { askForCycle } from "./harness/agent.ts";
import { runOrder } from "./harness/orders.ts";
import { Stack } from "./harness/stack.ts";
import { waitFor } from "./harness/wait.ts";

// The demo's L2 path end to end (test/demo/l2.ts): the real cloud process with its planner in front
// of the scripted model, the compiled agent with [heal] l2 on, the WinRM test server as the file
// server. The learning page is read in Chromium: its empty state first, then the candidate the L2
// fixes made, approved there as an L1 rule that then fixes the same drift without the planner.
describe.skipIf(!chromiumPresent())("L2 planner → learning loop → promoted L1 rule", () => {
  const INTERVAL = 10;
  let planner: DemoPlanner;
  let stack: Stack;
  let b: Browser;

  beforeAll(async () => {
    planner = startDemoPlanner();
    stack = await Stack.start({ planner: planner.env, intervalSec: INTERVAL });
    b = await launchBrowser();
    await signInWithToken(b, stack.cloud.url, stack.cloud.adminToken);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await stack?.stop();
    planner?.stop();
  });

  const learning = () => `${stack.cloud.url}/dashboard/learning`;

  test("before any L2 fix the learning page explains that promotion needs the L2 planner", async () => {
    for (const [label, width] of WIDTHS) {
      await b.page.setViewportSize({ width, height: 900 });
      await b.page.goto(learning());
      const empty = b.page.locator(".empty", { hasText: "No candidate yet" });
      const text = await empty.textContent();
      expect(text).toContain("Promotion learns from the L2 planner");
      expect(text).toContain(
        "With the L2 planner off (no LLM endpoint configured), nothing is ever promoted.",
      );
      const box = (await empty.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await b.shot(`learning-empty-${label}`);
    }
  });

  test(`${PROMOTION_AFTER} verified L2 fixes make a candidate on the learning page; approved, it fixes the next drift as L1`, async () => {
    const lines: string[] = [];
    const r = await driveToPromotion({ stack, intervalSec: INTERVAL, say: (l) => lines.push(l) });
    if (!r.ok) console.error(`${lines.join("\n")}\n--- agent ---\n${stack.agent.tail(40)}`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fixes).toHaveLength(PROMOTION_AFTER);
    for (const f of r.fixes) {
      expect(f.receipt.decidedBy).toMatchObject({ tier: "L2", model: "scripted-llm-1" });
      expect({ runbook: f.receipt.runbookId, verify: f.receipt.verify }).toEqual({
        runbook: L2_RUNBOOK,
        verify: "pass",
      });
    }
    expect(planner.requests).toBeGreaterThanOrEqual(PROMOTION_AFTER);

    await b.page.setViewportSize({ width: 1280, height: 900 });
    await b.page.goto(learning());
    const row = b.page.getByTestId("candidates").locator(`tr[data-pattern="${r.candidate.pattern}"]`);
    const text = await row.textContent();
    expect(text).toContain(`${L2_RUNBOOK} for ${L2_CHECK}`);
    expect(text).toContain(`${PROMOTION_AFTER} ok / 0 failed`);
    expect(await b.page.getByText("every L2 fix recorded so far is a candidate above").count()).toBe(1);
    await b.shot("learning-candidate");

    b.page.once("dialog", (d) => d.accept()); // the approve button's confirm()
    await row.locator("text=Approve as L1 rule").click();
    await b.page.locator(".notice.ok", { hasText: "Approved" }).waitFor();
    const ruleId = `promoted-${r.candidate.pattern.replace(/^pat_/, "")}`;

    // The new signed fleet rule set reaches the appliance (a sync_rules order makes sure of it
    // before the drift, whether or not a check-in already fetched it); the same drift is then an L1 fix by the promoted rule, with
    // no plan asked for.
    const sync = await runOrder(
      stack.cloud,
      { siteId: stack.siteId, applianceId: stack.applianceId, statusUrl: stack.agent.statusUrl },
      "sync_rules",
    );
    // The first fleet-wide set is version 1 (a check-in may have fetched it already).
    expect(sync.completion?.result).toMatchObject({ rulesVersion: 1 });
    const asked = planner.requests;
    const seen = new Set(r.fixes.map((f) => f.receipt.id));
    await stack.patchWindows(staleBackup());
    const l1 = await waitFor(
      `an L1 fix of ${L2_CHECK} by ${ruleId}`,
      async () => {
        const fix = fixesIn(await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`)).find(
          (f) => !seen.has(f.receipt.id) && f.receipt.checkId === L2_CHECK,
        );
        if (!fix) await askForCycle(stack.agent.statusUrl);
        return fix;
      },
      { timeoutMs: (INTERVAL * 3 + 60) * 1000, intervalMs: 1000 },
    );
    expect(l1.receipt.decidedBy).toMatchObject({ tier: "L1", ruleId });
    expect(planner.requests).toBe(asked);
  }, 240_000);
});
