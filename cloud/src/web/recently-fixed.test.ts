import { expect, test } from "bun:test";
import { describeEachDb } from "../testing/each-db.ts";
import { siteCompliance } from "./data/compliance.ts";
import { addPortalUser, signInPortal, WebClient } from "./testing/client.ts";
import { fixtureChain, uploadAs, verifiedFixAfter } from "./testing/seed.ts";

describeEachDb("drift and its fix as one event", (cloud) => {
  test("a verified fix after the last cycle restates the check as passing on every page, with its receipt", async () => {
    const c = cloud();
    await c.createSite("site-fix");
    const app = await c.createAppliance("site-fix", "app-fix");
    const now = c.clock.now();
    const chain = fixtureChain(
      app,
      12,
      new Date(now.getTime() - 3_600_000),
      new Date(now.getTime() - 120_000),
    );
    await uploadAs(c, app, chain);
    const before = await siteCompliance(c.deps, "site-fix");
    const { bundle, finding } = verifiedFixAfter(app, chain);
    await uploadAs(c, app, [bundle]);
    const after = await siteCompliance(c.deps, "site-fix");

    // The failing check now counts as passing, and the score moves up before the next cycle.
    expect(before.findings.get(`${finding.checkId}\u0000${finding.host}`)?.status).toBe("fail");
    expect(after.findings.get(`${finding.checkId}\u0000${finding.host}`)?.status).toBe("pass");
    expect(after.score!).toBeGreaterThan(before.score!);
    expect(after.fixed.map((f) => f.receipt.id)).toEqual(["rcpt-fix"]);
    expect(after.fixed[0]!.receiptBundle).toEqual({ applianceId: "app-fix", seq: bundle.seq });

    const w = new WebClient(c);
    await w.signInAdmin(await c.adminToken("read-only"));
    const site = await w.get("/dashboard/sites/site-fix");
    // The score says how much of it the checks measure.
    expect(site.html).toMatch(/data-testid="measured">\d+ of \d+ controls checked automatically/);
    const fixedAt = site.html.indexOf('data-testid="recently-fixed"');
    expect(fixedAt).toBeGreaterThan(0);
    // Near the top: before the charts, the incidents and the per-control report.
    expect(fixedAt).toBeLessThan(site.html.indexOf("Open incidents"));
    expect(site.html).toContain("failing (found: not compliant) → passing (found: compliant)");
    const receiptUrl = `/dashboard/sites/site-fix/receipts/app-fix/${bundle.seq}/rcpt-fix`;
    expect(site.html).toContain(receiptUrl);

    const receipt = await w.get(receiptUrl);
    expect(receipt.status).toBe(200);
    expect(receipt.html).toContain("Fixed, and the check passed again afterwards.");
    expect(receipt.html).toContain("automatically, by rule l1-fix (version 1)");
    expect(receipt.html).toContain("yes — the check ran again and passed");
    // Times to the second, marked for the page script to show in local time.
    expect(receipt.html).toMatch(/data-local="1">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</);
    expect((await w.get(`/dashboard/sites/site-fix/receipts/app-fix/${bundle.seq}/nope`)).status).toBe(404);

    await addPortalUser(c, "site-fix", "om@fix.example");
    const p = await signInPortal(c, "om@fix.example");
    const overview = await p.get("/portal/s/site-fix");
    expect(overview.html).toContain('data-testid="recently-fixed"');
    const report = await p.get("/portal/s/site-fix/report");
    const [attention = -1, passing = -1, unassessed = -1] = ["attention", "passing", "unassessed"].map((g) =>
      report.html.indexOf(`data-testid="report-${g}"`),
    );
    expect(attention).toBeGreaterThan(0);
    expect(passing).toBeGreaterThan(attention);
    expect(unassessed).toBeGreaterThan(passing);
    const portalReceipt = await p.get(`/portal/s/site-fix/receipts/app-fix/${bundle.seq}/rcpt-fix`);
    expect(portalReceipt.status).toBe(200);
    expect(portalReceipt.html).toContain("Before");
  });
});
