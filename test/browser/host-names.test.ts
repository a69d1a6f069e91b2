/**
 * Hosts by name, not by address (issue #23, item 3), at desktop and 390 px: a site whose checks
 * reach its computers by IP address, and whose appliance's discovery named one of them. Incident
 * rows (the fleet queue and the site page), their titles and summaries, the recently fixed row and
 * the receipt pages of the dashboard and the portal name FRONTDESK-2, with the address only as the
 * detail beside the name; a host no one named keeps its address.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPortalUser } from "../../cloud/src/web/portal-users/create.ts";
import { uploadAs } from "../../cloud/src/web/testing/seed.ts";
import { newIncident } from "../../lib/incident.ts";
import { AGENT_API } from "../../protocol/api.ts";
import { buildBundle, bundleHash } from "../../protocol/evidence.ts";
import type { Finding } from "../../protocol/finding.ts";
import type { DeviceReport } from "../../protocol/targets.ts";
import { sampleFinding } from "../../protocol/testkit.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";
import { dashboardSignIn } from "./dashboard-sign-in.ts";
import { portalSignIn } from "./portal-sign-in.ts";
import { WIDTHS } from "./screenshots.ts";

const NAMED = "192.168.10.20";
const UNNAMED = "192.168.10.31";
const SITE = "lakeside";

describe.skipIf(!chromiumPresent())("hosts appear by name, not by IP address", () => {
  let s: ServedCloud;
  let b: Browser;

  beforeAll(async () => {
    const seeded = await serveSites([
      { id: SITE, name: "Lakeside Pediatrics", tier: "professional", appliances: ["lake-1"] },
    ]);
    s = seeded.s;
    const app = seeded.apps[0]!;
    const ctx = s.cloud.systemCtx();
    const now = s.cloud.clock.now().getTime();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();

    // Discovery named one of the two addresses the checks use.
    const devices: DeviceReport = {
      observedAt: at(600_000),
      devices: [
        {
          addresses: [NAMED],
          names: ["FRONTDESK-2"],
          sources: ["active-directory"],
          openPorts: [],
          seenAt: at(600_000),
        },
        { addresses: [UNNAMED], names: [], sources: ["neighbour-table"], openPorts: [], seenAt: at(600_000) },
      ],
    };
    const d = await s.cloud.call("POST", AGENT_API.devices, { bearer: app.apiKey, body: devices });
    expect(d.status).toBe(200);

    // A cycle with BitLocker off and the firewall off on FRONTDESK-2, then the firewall fixed.
    const finding = (checkId: string, host: string, title: string, citation: string): Finding =>
      sampleFinding({
        checkId,
        host,
        title,
        status: "fail",
        citations: [citation],
        expected: "on",
        actual: "off",
        details: {},
        observedAt: at(300_000),
      });
    const bitlocker = finding(
      "windows.bitlocker",
      NAMED,
      "BitLocker protects the system drive",
      "§164.312(a)(2)(iv)",
    );
    const firewall = finding("windows.firewall", NAMED, "Firewall on for all profiles", "§164.312(e)(1)");
    const defender = finding(
      "windows.defender",
      UNNAMED,
      "Defender real-time protection on",
      "§164.308(a)(5)(ii)(B)",
    );
    const cycle = buildBundle(
      { siteId: SITE, applianceId: app.applianceId },
      { seq: 0, hash: "" },
      { kind: "check-cycle", findings: [bitlocker, firewall, defender], createdAt: at(300_000) },
      app.key.secretKey,
    );
    const fix = buildBundle(
      { siteId: SITE, applianceId: app.applianceId },
      { seq: cycle.seq, hash: bundleHash(cycle) },
      {
        kind: "remediation",
        receipts: [
          {
            id: "rcpt-fw",
            checkId: firewall.checkId,
            host: NAMED,
            runbookId: "windows.firewall-enable",
            params: {},
            decidedBy: { tier: "L1", ruleId: "l1-windows-firewall", ruleVersion: 1 },
            dryRun: false,
            before: { status: "fail", actual: "off", details: {}, at: at(240_000) },
            after: { status: "pass", actual: "on", details: {}, at: at(236_000) },
            verify: "pass",
            rollback: null,
            outcome: "fixed",
            startedAt: at(240_000),
            finishedAt: at(236_000),
          },
        ],
        citations: firewall.citations,
        createdAt: at(236_000),
      },
      app.key.secretKey,
    );
    await uploadAs(s.cloud, app, [cycle, fix]);

    // Incidents as the appliance writes them: one needs a person, one whose reason names the address.
    const incidents = [
      newIncident(bitlocker, {
        id: "inc-bitlocker",
        applianceId: app.applianceId,
        tier: "L3",
        reason: "re-enabling BitLocker needs the recovery key escrowed first",
        at: at(280_000),
      }),
      newIncident(defender, {
        id: "inc-defender",
        applianceId: app.applianceId,
        tier: "L2",
        reason: `the L1 fix on ${NAMED} and ${UNNAMED} did not hold`,
        at: at(270_000),
      }),
    ];
    const r = await s.cloud.call("POST", AGENT_API.incidents, { bearer: app.apiKey, body: { incidents } });
    expect(r.status).toBe(200);
    await createPortalUser({
      ctx,
      input: { siteId: SITE, email: "om@lakeside.example", name: "Office Manager" },
    });
    b = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  /** The text a person reads (not the attributes: the address on hover is not what the row says). */
  const seen = async (sel: string) => (await b.page.locator(sel).first().textContent()) ?? "";

  async function fitsWidth(width: number) {
    const wide = await b.page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(width);
  }

  /** Incident rows: titled by problem and name, summaries leading with the check, addresses as detail. */
  async function incidentRows(table: string) {
    const titles = await b.page
      .locator(`[data-testid=${table}] [data-testid=incident-title]`)
      .allTextContents();
    expect(titles).toContain("Disk not encrypted on FRONTDESK-2");
    for (const t of titles) expect(t).not.toContain(NAMED);
    const bitlocker = await seen(`[data-testid=${table}] tr[data-incident=inc-bitlocker]`);
    expect(bitlocker).toContain(
      "BitLocker protects the system drive (windows.bitlocker): expected on; found off.",
    );
    expect(bitlocker).toContain("windows.bitlocker on FRONTDESK-2");
    expect(bitlocker).not.toContain(NAMED);
  }

  for (const [label, width] of WIDTHS) {
    test(`${label}: incident rows, the recently fixed row and the receipt pages name the host`, async () => {
      const p = b.page;
      await p.setViewportSize({ width, height: 900 });
      await dashboardSignIn(b, s);

      // The fleet's incident queue.
      await p.goto(`${s.url}/dashboard/incidents`);
      await incidentRows("l3-queue");
      const defender = await seen("[data-testid=open-incidents] tr[data-incident=inc-defender]");
      // No name known: the address is all there is; a named one in the text gets its name.
      expect(defender).toContain(`Virus protection off on ${UNNAMED}`);
      expect(defender).toContain(`the L1 fix on FRONTDESK-2 (${NAMED}) and ${UNNAMED} did not hold`);
      await fitsWidth(width);
      await b.shot(`host-names-incidents-${label}`);

      // The site page: incidents and the recently fixed firewall.
      await p.goto(`${s.url}/dashboard/sites/${SITE}`);
      await incidentRows("site-incidents");
      const fixed = p.locator("[data-testid=recently-fixed] tr[data-check='windows.firewall']");
      expect(await fixed.textContent()).toContain("FRONTDESK-2");
      expect(await fixed.textContent()).not.toContain(NAMED);
      await fitsWidth(width);
      await b.shot(`host-names-site-${label}`);

      // Its receipt, by name, with the address beside it.
      await fixed.locator("a", { hasText: "receipt" }).click();
      await p.getByTestId("receipt").waitFor();
      expect(await seen("h1")).toBe("Fix on FRONTDESK-2");
      expect(await p.title()).toStartWith("Fix on FRONTDESK-2");
      expect(await seen("[data-testid=receipt-computer]")).toBe(`FRONTDESK-2 · address ${NAMED}`);
      await fitsWidth(width);
      await b.shot(`host-names-receipt-${label}`);

      // The clinic's portal: the same receipt, the same name.
      await portalSignIn(b, s, "om@lakeside.example");
      await p
        .locator("[data-testid=recently-fixed] tr[data-check='windows.firewall'] a", { hasText: "receipt" })
        .click();
      await p.getByTestId("receipt").waitFor();
      expect(await seen("h1")).toBe("Fix on FRONTDESK-2");
      expect(await seen("[data-testid=receipt-computer]")).toBe(`FRONTDESK-2 · address ${NAMED}`);
      await fitsWidth(width);
    }, 120_000);
  }
});
