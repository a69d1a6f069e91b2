import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { RUNBOOK_SPECS } from "../../runbooks/index.ts";
import { type Browser, chromiumPresent, launchBrowser } from "../browser/browser.ts";
import { signInWithToken } from "../browser/dashboard-sign-in.ts";
import { DRIFTS } from "../demo/drifts.ts";
import { bundlesIn, fixesIn } from "../demo/watch.ts";
import { Stack } from "./harness/stack.ts";
import { waitFor } from "./harness/wait.ts";

// Issue #23's acceptance, end to end: the demo's stack (compiled agent, real cloud process, the
// simulated Windows server and the simulated appliance host), the Windows firewall drifted, and
// the MSP's site page in Chromium showing the drift, then — within one cycle of the fix, before
// any later check could confirm it — the check passing again with its fix under "Recently fixed".
// Healing starts paused so the drift can be seen on the page before anything fixes it.
const INTERVAL = 10;
const CHECK = DRIFTS["firewall-off"].check;

describe.skipIf(!chromiumPresent())("a drift, its fix and the passing check on one page", () => {
  let stack: Stack;
  let b: Browser;

  beforeAll(async () => {
    [stack, b] = await Promise.all([
      Stack.start({ simulatedLinux: true, intervalSec: INTERVAL, healingPaused: true }),
      launchBrowser(),
    ]);
    await signInWithToken(b, stack.cloud.url, stack.cloud.adminToken);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await stack?.stop();
  });

  const sitePage = () => `${stack.cloud.url}/dashboard/sites/${stack.siteId}`;

  /** The statuses the site page's controls show for the check (one line per control it supports). */
  async function checkStatuses(p: Page): Promise<string[]> {
    return p
      .locator("li", { hasText: `${CHECK} on` })
      .locator(".badge")
      .allTextContents();
  }

  /** Reload the site page until `ok` holds for it; returns when it first did. */
  async function pageUntil(
    what: string,
    ok: (p: Page) => Promise<boolean>,
    timeoutMs: number,
  ): Promise<number> {
    return waitFor(
      what,
      async () => {
        await b.page.goto(sitePage());
        return (await ok(b.page)) && Date.now();
      },
      { timeoutMs, intervalMs: 300 },
    );
  }

  /**
   * Run a check cycle now and wait for it: one request (during a cycle the daemon runs the asked
   * one right after), then until a cycle that started after the request has finished. One request,
   * not one per poll, so no unasked cycle follows.
   */
  async function cycleNow(): Promise<void> {
    const asked = Date.now();
    const r = await fetch(`${stack.agent.statusUrl}/api/cycle`, { method: "POST" });
    expect(r.status).toBe(202);
    await waitFor(
      "the agent to run the cycle asked for",
      async () => {
        const at = ((await stack.agent.status()).lastCycle as { at?: string } | null)?.at;
        return at !== undefined && Date.parse(at) >= asked;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
  }

  async function setHealing(paused: boolean, intervalSec = INTERVAL): Promise<void> {
    await stack.cloud.api("PUT", `/api/sites/${stack.siteId}/config`, {
      checkIntervalSec: intervalSec,
      disabledChecks: [],
      healing: {
        paused,
        dryRun: false,
        enabledRunbooks: RUNBOOK_SPECS.filter((s) => s.platform === "windows").map((s) => s.id),
      },
      maintenanceWindow: null,
    });
  }

  test("the drift shows first, then the check passing with its fix near the top, within one cycle", async () => {
    const t0 = Date.now();
    await b.page.setViewportSize({ width: 1280, height: 900 });
    await pageUntil(
      `the first cycle's ${CHECK} passing on the site page`,
      async (p) => {
        const s = await checkStatuses(p);
        return s.length > 0 && s.every((x) => x === "pass");
      },
      60_000,
    );

    // The drift: with healing paused it stays, and the page shows the check failing.
    await stack.patchWindows(DRIFTS["firewall-off"].patch);
    await cycleNow();
    await pageUntil(
      `${CHECK} failing on the site page`,
      async (p) => (await checkStatuses(p)).includes("fail"),
      INTERVAL * 3 * 1000,
    );
    expect(await b.page.getByTestId("recently-fixed").count()).toBe(0);
    await b.shot("drift-page-drift");

    // Healing resumed: the config reaches the appliance at a cycle's check-in, the next cycle fixes.
    // From here cycles run only when asked: "recently fixed" lists the fixes since the check's last
    // result, so an unasked cycle before the phone-width look below would take the row away.
    await setHealing(false, 3_600);
    await cycleNow();
    await waitFor(
      "the appliance to apply the resumed healing",
      async () => !((await stack.agent.status()).healing as { paused: boolean }).paused,
      { timeoutMs: INTERVAL * 3 * 1000, intervalMs: 300 },
    );
    await cycleNow();
    const shownAt = await pageUntil(
      `${CHECK} fixed under "Recently fixed" on the site page`,
      async (p) => (await p.locator(`[data-testid=recently-fixed] tr[data-check="${CHECK}"]`).count()) > 0,
      INTERVAL * 3 * 1000,
    );
    const p = b.page;
    const row = p.locator(`[data-testid=recently-fixed] tr[data-check="${CHECK}"]`);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("fixed · verified");
    // The drift and its fix in one row: failing before, passing after, by the L1 rule.
    expect(text).toMatch(/failing \(found: [^)]+\) → passing/);
    expect(text).toContain("automatically, by rule");
    // The host by the name discovery found for it (the appliance's DHCP leases), not its address.
    expect(text).toContain(stack.winrm.name);
    // The check itself restated as passing on every control it supports.
    const statuses = await checkStatuses(p);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === "pass")).toBe(true);
    // Near the top: above the open incidents and the per-control report.
    const y = async (sel: string) => (await p.locator(sel).first().boundingBox())!.y;
    const fixedY = await y("[data-testid=recently-fixed]");
    expect(fixedY).toBeLessThan(await y("#incidents"));
    expect(fixedY).toBeLessThan(await y("text=Score per HIPAA control"));
    await b.shot("drift-page-fixed");

    // Within one cycle of the fix: when the page first showed it, no later result of the check had
    // been signed, so the passing status was the verified fix's (the next cycle may have run since),
    // and the page showed it before the next cycle was due.
    const exported = await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`);
    const fix = fixesIn(exported).find((f) => f.receipt.checkId === CHECK);
    expect(fix?.receipt).toMatchObject({ outcome: "fixed", verify: "pass", decidedBy: { tier: "L1" } });
    const later = bundlesIn(exported).filter(
      (x) =>
        x.applianceId === fix!.applianceId &&
        x.seq > fix!.seq &&
        Date.parse(x.createdAt) <= shownAt &&
        x.findings.some((f) => f.checkId === CHECK),
    );
    expect(later).toEqual([]);
    expect(shownAt - Date.parse(fix!.receipt.finishedAt)).toBeLessThan(INTERVAL * 1000);

    // Its receipt tells the same story in plain words.
    await row.locator("a", { hasText: "receipt" }).click();
    const story = (await p.getByTestId("receipt-story").textContent()) ?? "";
    expect(story).toContain("failing");
    expect(story).toContain("yes — the check ran again and passed");

    // And the same at phone width: the row is there and not cut off.
    await p.setViewportSize({ width: 390, height: 900 });
    await p.goto(sitePage());
    const box = (await p.locator(`[data-testid=recently-fixed] tr[data-check="${CHECK}"]`).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await b.shot("drift-page-fixed-390");
    console.log(
      `drift-page: ${((Date.now() - t0) / 1000).toFixed(1)} s from first page to the fix at 390 px`,
    );
  }, 180_000);
});
