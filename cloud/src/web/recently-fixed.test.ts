import { expect, test } from "bun:test";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { isVerifiedFix } from "../../../protocol/restate.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { pageCompliance, siteCompliance } from "./data/compliance.ts";
import { addPortalUser, signInPortal, WebClient } from "./testing/client.ts";
import { fixtureChain, uploadAs, verifiedFixAfter } from "./testing/seed.ts";

/** A site with one appliance and the last hour of its evidence (12 bundles, not yet uploaded). */
async function siteWithHour(c: TestCloud, siteId: string, applianceId: string) {
  await c.createSite(siteId);
  const app = await c.createAppliance(siteId, applianceId);
  const now = c.clock.now().getTime();
  return { app, chain: fixtureChain(app, 12, new Date(now - 3_600_000), new Date(now - 120_000)) };
}

describeEachDb("drift and its fix as one event", (cloud) => {
  test("a verified fix after the last cycle restates the check as passing on every page, with its receipt", async () => {
    const c = cloud();
    const { app, chain } = await siteWithHour(c, "site-fix", "app-fix");
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
    // The pages list it first; below it, the seeded chain's earlier fixes of the last day whose checks pass now.
    const page = await pageCompliance(c.deps, "site-fix");
    expect(page.fixed[0]!.receipt.id).toBe("rcpt-fix");
    for (const f of page.fixed.slice(1)) {
      expect(isVerifiedFix(f.receipt)).toBe(true);
      expect(page.findings.get(`${f.receipt.checkId}\u0000${f.receipt.host}`)?.status).toBe("pass");
    }
    expect(page.fixed.length).toBeGreaterThan(1);

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

  test("a fix stays recently fixed for a day while its check passes, and goes when the check fails again", async () => {
    const c = cloud();
    const { app, chain } = await siteWithHour(c, "site-held", "app-held");
    const { bundle: fix, finding } = verifiedFixAfter(app, chain, 10_000);
    // The next cycle confirms the fix, the one after finds the drift back.
    const cycle = chain.findLast((b) => b.kind === "check-cycle")!;
    const cycleAfter = (prev: EvidenceBundle, status: "pass" | "fail", afterMs: number) => {
      const at = new Date(new Date(prev.createdAt).getTime() + afterMs).toISOString();
      return buildBundle(
        { siteId: app.siteId, applianceId: app.applianceId },
        { seq: prev.seq, hash: bundleHash(prev) },
        {
          kind: "check-cycle",
          createdAt: at,
          findings: cycle.findings.map((f) =>
            f.checkId === finding.checkId && f.host === finding.host
              ? { ...f, status, observedAt: at }
              : { ...f, observedAt: at },
          ),
        },
        app.key.secretKey,
      );
    };
    const confirmed = cycleAfter(fix, "pass", 20_000);
    await uploadAs(c, app, [...chain, fix, confirmed]);
    // Other callers (score, tools) see only fixes no result has followed yet.
    expect((await siteCompliance(c.deps, "site-held")).fixed.map((f) => f.receipt.id)).not.toContain(
      "rcpt-fix",
    );
    const held = await pageCompliance(c.deps, "site-held");
    const key = `${finding.checkId}\u0000${finding.host}`;
    // Passing by its own result now, not restated: the fix is still listed, as the check's event.
    expect(held.findings.get(key)).toMatchObject({ status: "pass", bundle: { seq: confirmed.seq } });
    expect(held.fixed.find((f) => f.receipt.id === "rcpt-fix")).toMatchObject({
      finding: { checkId: finding.checkId, host: finding.host, status: "pass" },
      receiptBundle: { applianceId: "app-held", seq: fix.seq },
    });

    await uploadAs(c, app, [cycleAfter(confirmed, "fail", 20_000)]);
    const drifted = await pageCompliance(c.deps, "site-held");
    expect(drifted.findings.get(key)?.status).toBe("fail");
    expect(drifted.fixed.map((f) => f.receipt.id)).not.toContain("rcpt-fix");
  });
});
