import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLocalApi } from "../../agent/src/localapi/server.ts";
import { jsonLogger } from "../../agent/src/log/logger.ts";
import { openStateDb } from "../../agent/src/queue/db.ts";
import { Queue } from "../../agent/src/queue/queue.ts";
import { sampleStatusAt } from "../../agent/src/status/fixture.ts";
import { createPortalUser } from "../../cloud/src/web/portal-users/create.ts";
import { fixtureChain, uploadAs, verifiedFixAfter } from "../../cloud/src/web/testing/seed.ts";
import type { RemediationReceipt } from "../../protocol/receipt.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";
import { dashboardSignIn } from "./dashboard-sign-in.ts";
import { portalSignIn } from "./portal-sign-in.ts";
import { compareShot, WIDTHS, withinTolerance } from "./screenshots.ts";

// A fixed moment, so dates in the pages (and so the screenshots) do not move from day to day.
const NOW = "2026-11-25T12:00:00.000Z";

describe.skipIf(!chromiumPresent())("pages for the people who use them, at desktop and 390 px", () => {
  let s: ServedCloud;
  let b: Browser;
  let receiptPath: string;
  let statusUrl: string;
  let stopStatus: () => void;

  beforeAll(async () => {
    const seeded = await serveSites(
      [{ id: "riverside", name: "Riverside Family Practice", tier: "professional", appliances: ["app-1"] }],
      NOW,
    );
    s = seeded.s;
    const app = seeded.apps[0]!;
    const ctx = s.cloud.systemCtx();
    const now = s.cloud.clock.now();
    const chain = fixtureChain(
      app,
      40,
      new Date(now.getTime() - 7 * 86_400_000),
      new Date(now.getTime() - 300_000),
    );
    const fix = verifiedFixAfter(app, chain);
    await uploadAs(s.cloud, app, [...chain, fix.bundle]);
    receiptPath = `/receipts/app-1/${fix.bundle.seq}/rcpt-fix`;
    await createPortalUser({
      ctx,
      input: { siteId: "riverside", email: "om@riverside.example", name: "Office Manager" },
    });

    // The appliance's status page with a verified fix, served by the daemon's own local API.
    // Shown at the real time (the status page's clock), so it reads as a fresh, healthy appliance.
    const status = sampleStatusAt(new Date());
    const ago = (sec: number) => new Date(Date.now() - sec * 1000).toISOString();
    const bitlocker = status.findings.find((f) => f.checkId === "windows.bitlocker")!;
    const receipt: RemediationReceipt = {
      ...fix.bundle.receipts[0]!,
      checkId: bitlocker.checkId,
      host: bitlocker.host,
      before: { status: "fail", actual: "ProtectionStatus Off", details: {}, at: ago(50) },
      after: { status: "pass", actual: "ProtectionStatus On", details: {}, at: ago(20) },
      startedAt: ago(50),
      finishedAt: ago(19),
    };
    const queue = new Queue(openStateDb(":memory:"), { maxBytes: 1e9 });
    const server = startLocalApi(
      "127.0.0.1:0",
      {
        snapshot: () => ({ ...status, recentFixes: [receipt] }),
        drain: async () => undefined,
        nudge: () => {},
        askSnapshot: () => {},
        queue,
      },
      jsonLogger({ level: "error", err: () => {} }),
    );
    statusUrl = `http://127.0.0.1:${server.port}/`;
    stopStatus = () => {
      server.stop(true);
      queue.db.close();
    };
    b = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    stopStatus?.();
    await s?.close();
  });

  /** Every stacked card and badge of the page lies within the viewport's width (nothing cut off). */
  async function nothingCutOff(width: number) {
    const overflow = await b.page.evaluate(
      (w) =>
        [...document.querySelectorAll(".badge")]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0 && r.right > w + 1).length,
      width,
    );
    expect(overflow).toBe(0);
  }

  for (const [label, width] of WIDTHS) {
    test(`${label}: drift and its fix read as one event on the site page, receipt, portal and status page`, async () => {
      await b.page.setViewportSize({ width, height: 900 });
      const p = b.page;

      await dashboardSignIn(b, s);
      await p.goto(`${s.url}/dashboard/sites/riverside`);
      const fixed = p.getByTestId("recently-fixed");
      await expect(fixed.textContent()).resolves.toContain("failing (found: not compliant) → passing");
      // Near the top: above the open incidents.
      const fixedTop = (await fixed.boundingBox())!.y;
      const incidentsTop = (await p.locator("h2", { hasText: "Open incidents" }).boundingBox())!.y;
      expect(fixedTop).toBeLessThan(incidentsTop);
      await nothingCutOff(width);
      const site = await compareShot(b, `site-page-${label}`);
      expect(withinTolerance(site), JSON.stringify(site)).toBe(true);

      await p.click("[data-testid=recently-fixed] >> text=receipt");
      await p.getByTestId("receipt-story").waitFor();
      // The page script shows times in the reader's local time, to the second.
      await expect(p.getByTestId("receipt-story").textContent()).resolves.toMatch(
        /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d local time/,
      );
      expect(new URL(p.url()).pathname).toBe(`/dashboard/sites/riverside${receiptPath}`);
      const receipt = await compareShot(b, `receipt-${label}`);
      expect(withinTolerance(receipt), JSON.stringify(receipt)).toBe(true);

      await portalSignIn(b, s, "om@riverside.example");
      await p.getByTestId("recently-fixed").waitFor();
      await nothingCutOff(width);
      const overview = await compareShot(b, `portal-overview-${label}`);
      expect(withinTolerance(overview), JSON.stringify(overview)).toBe(true);
      await p.click("nav >> text=Compliance report");
      await p.locator("tr[data-citation]").first().waitFor();
      const report = await compareShot(b, `report-${label}`);
      expect(withinTolerance(report), JSON.stringify(report)).toBe(true);

      await p.goto(statusUrl);
      await expect(p.getByTestId("recently-fixed").textContent()).resolves.toContain("passing again at");
      await expect(p.locator('tr[data-check="windows.bitlocker"]').textContent()).resolves.toContain(
        "Fixed automatically and checked again",
      );
      await nothingCutOff(width);
      const statusShot = await compareShot(b, `status-page-${label}`);
      expect(withinTolerance(statusShot), JSON.stringify(statusShot)).toBe(true);
    }, 120_000);
  }
});
