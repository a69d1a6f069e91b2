/**
 * The pages as an MSP with many clinics, their office manager and an auditor use them, at desktop
 * and 390 px: the site page leads with what needs action, held orders from every site in one
 * queue, runbook orders as a form with errors beside the field, incident titles naming problem
 * and host, failing controls in plain words, the verifier as a download, times to the second.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPortalUser } from "../../cloud/src/web/portal-users/create.ts";
import { checkinAs, seedEvidence, seedIncidents } from "../../cloud/src/web/testing/seed.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";
import { dashboardSignIn } from "./dashboard-sign-in.ts";
import { portalSignIn } from "./portal-sign-in.ts";
import { WIDTHS } from "./screenshots.ts";

describe.skipIf(!chromiumPresent())("pages for an MSP, an office manager and an auditor", () => {
  let s: ServedCloud;
  let b: Browser;

  beforeAll(async () => {
    const seeded = await serveSites([
      { id: "riverside", name: "Riverside Family Practice", tier: "professional", appliances: ["app-1"] },
      { id: "oakwood", name: "Oakwood Dental", tier: "essential", appliances: ["oak-1"] },
    ]);
    s = seeded.s;
    const app = seeded.apps[0]!;
    const ctx = s.cloud.systemCtx();
    await seedEvidence(s.cloud, app, 60, 7);
    await checkinAs(s.cloud, app);
    await seedIncidents(s.cloud, app);
    await createPortalUser({
      ctx,
      input: { siteId: "riverside", email: "om@riverside.example", name: "Office Manager" },
    });
    b = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  /** Nothing on the page is wider than the viewport (stacked cards, wrapping forms). */
  async function fitsWidth(width: number) {
    const [wide, offenders] = await b.page.evaluate(
      (w) => [
        document.documentElement.scrollWidth,
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > w + 1)
          .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)
          .slice(0, 5)
          .join(" "),
      ],
      width,
    );
    expect(wide as number, `wider than ${width} px: ${offenders}`).toBeLessThanOrEqual(width);
  }

  for (const [label, width] of WIDTHS) {
    test(`${label}: site page leads with what needs action; held orders from every site in one queue`, async () => {
      await b.page.setViewportSize({ width, height: 900 });
      const p = b.page;
      await dashboardSignIn(b, s);

      // A runbook order built from its parameters: a bad value is shown beside its field, the form kept.
      await p.goto(`${s.url}/dashboard/sites/riverside`);
      await p.click("[data-testid=runbook-order-link]");
      await p.selectOption("#runbook", "windows.password-policy");
      await p.click("text=Choose");
      await p.fill("#host", "FRONTDESK-2");
      await p.fill("#p_min_length", "4");
      await p.fill("#reason", `tighten passwords (${label})`);
      await p.check("input[name=requireApproval]");
      // The browser's own bounds check would stop the submit; the server's check is what is tested.
      await p.evaluate(() => document.querySelector("#p_min_length")?.removeAttribute("min"));
      await p.click("text=Create order");
      await expect(p.getByTestId("error-p_min_length").textContent()).resolves.toBe(
        "must be between 8 and 14",
      );
      expect(await p.inputValue("#host")).toBe("FRONTDESK-2");
      expect(await p.inputValue("#reason")).toBe(`tighten passwords (${label})`);
      expect(await p.isChecked("input[name=requireApproval]")).toBe(true);
      await fitsWidth(width);
      await p.fill("#p_min_length", "12");
      await p.click("text=Create order");
      await p.waitForURL(/\/dashboard\/sites\/riverside\?done=order-created/);

      // The site page: needs action first, then incidents, held orders and receipts before the controls.
      const top = async (sel: string) => (await p.locator(sel).first().boundingBox())!.y;
      const needs = p.getByTestId("needs-action");
      await expect(needs.textContent()).resolves.toContain("1 order awaits approval");
      await expect(needs.textContent()).resolves.toContain("1 incident needs a person (L3)");
      expect(await top("[data-testid=needs-action]")).toBeLessThan(await top("[data-testid=score]"));
      expect(await top("#held")).toBeLessThan(await top("#controls"));
      expect(await top("h2:text('Recent healing receipts')")).toBeLessThan(await top("#controls"));
      // Incidents are titled by the problem and its host, not the check's goal.
      await expect(p.getByTestId("incident-title").first().textContent()).resolves.toBe(
        "Disk not encrypted on EXAM-02",
      );

      // A held order at a second site, from the general order form, a minute later.
      s.cloud.clock.advance(60_000);
      await p.goto(`${s.url}/dashboard/sites/oakwood`);
      await p.selectOption("#o-type", "collect_diagnostics");
      await p.check("[data-testid=order-form] input[name=requireApproval]");
      await p.click("[data-testid=order-form] button[type=submit]");
      await p.waitForURL(/done=order-created/);

      // One queue across sites, oldest first; approving from it comes back to it.
      await p.click("nav >> text=Approvals");
      const rows = p.locator("[data-testid=approvals] tbody tr");
      await expect(rows.count()).resolves.toBe(2);
      await expect(rows.nth(0).textContent()).resolves.toContain("Riverside Family Practice");
      await expect(rows.nth(1).textContent()).resolves.toContain("Oakwood Dental");
      await fitsWidth(width);
      await rows.nth(0).locator("text=Approve").click();
      await p.waitForURL(/\/dashboard\/approvals\?done=order-approved/);
      await expect(p.locator("[data-testid=approvals] tbody tr").count()).resolves.toBe(1);
      await p.locator("[data-testid=approvals] tbody tr >> text=Reject").click();
      await p.waitForURL(/\/dashboard\/approvals\?done=order-rejected/);
      await p.getByText("No order is waiting for approval.").waitFor();
    }, 120_000);

    test(`${label}: failing controls in plain words, the verifier as a download, times to the second`, async () => {
      await b.page.setViewportSize({ width, height: 900 });
      const p = b.page;
      await portalSignIn(b, s, "om@riverside.example");
      await p.click("nav >> text=Compliance report");
      const help = p.getByTestId("control-help").first();
      await help.waitFor();
      const words = (await help.textContent()) ?? "";
      expect(words).toContain("What it means");
      expect(words).toContain("Who handles it");
      expect(words).toContain("What the clinic must do");
      await fitsWidth(width);
      // Times read in local time to the second (the page script; UTC to the second without it).
      await expect(p.locator("time[data-local]").first().textContent()).resolves.toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d local time$/,
      );

      await p.click("nav >> text=Evidence");
      const href = await p.getByTestId("verifier").getAttribute("href");
      const r = await fetch(`${s.url}${href}`);
      expect(r.headers.get("content-disposition")).toContain("verify_kit.py");
      expect((await r.text()).startsWith("#!/usr/bin/env python3")).toBe(true);
      await fitsWidth(width);
    }, 120_000);
  }
});
