import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { raiseAlert } from "../../cloud/src/alerts/raise.ts";
import type { TestAppliance } from "../../cloud/src/testing/test-cloud.ts";
import { issueCheckpoint } from "../../cloud/src/transparency/checkpoints.ts";
import { createPortalUser } from "../../cloud/src/web/portal-users/create.ts";
import { checkinAs, seedCandidate, seedEvidence, seedIncidents } from "../../cloud/src/web/testing/seed.ts";
import { AGENT_API } from "../../protocol/api.ts";
import { keyFingerprint, signClaim } from "../../protocol/provision.ts";
import { generateKeyPair } from "../../protocol/sign.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";
import { portalSignIn as signIn } from "./portal-sign-in.ts";

let s: ServedCloud;
let b: Browser;
let app: TestAppliance;
let adminToken: string;

describe.skipIf(!chromiumPresent())("dashboard and portal in Chromium", () => {
  beforeAll(async () => {
    const seeded = await serveSites([
      {
        id: "riverside",
        name: "Riverside Family Practice",
        tier: "professional",
        appliances: ["app-1", "app-2"],
      },
      { id: "newclinic", name: "New Leaf Pediatrics", tier: "essential", appliances: [] },
    ]);
    s = seeded.s;
    app = seeded.apps[0]!;
    const ctx = s.cloud.systemCtx();
    await seedEvidence(s.cloud, app, 600, 30);
    await issueCheckpoint(s.cloud.deps.db, s.cloud.deps, "riverside");
    await checkinAs(s.cloud, app);
    await seedIncidents(s.cloud, app);
    await seedCandidate(s.cloud);
    await createPortalUser({
      ctx,
      input: { siteId: "riverside", email: "officer@riverside.example", name: "Dana Officer" },
    });
    await createPortalUser({ ctx, input: { siteId: "newclinic", email: "owner@newleaf.example" } });
    adminToken = await s.cloud.adminToken("msp-admin");
    b = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  const portalSignIn = (email: string) => signIn(b, s, email);

  test("portal: sign in by magic link, see the score, read the report, verify the chain", async () => {
    await portalSignIn("officer@riverside.example");
    const p = b.page;
    expect(new URL(p.url()).pathname).toBe("/portal/s/riverside");
    const score = await p.getByTestId("score").textContent();
    expect(score).toMatch(/^\d+(\.\d)?%$/);
    expect(await p.getByTestId("score-chart").getAttribute("aria-label")).toContain("latest");
    await b.shot("portal-overview");

    await p.click("nav >> text=Compliance report");
    await p.locator('tr[data-citation="§164.312(a)(2)(iv)"]').waitFor();
    expect(await p.locator('tr[data-citation="§164.312(a)(2)(iv)"]').textContent()).toContain(
      "windows.bitlocker",
    );
    await b.shot("portal-report");

    await p.click("nav >> text=Evidence");
    await p.getByTestId("verify").click();
    await p.getByTestId("chain-ok").waitFor();
    expect(await p.locator(".notice.ok").textContent()).toContain("all 600 bundles");
    await b.shot("portal-evidence-verified");

    const download = p.waitForEvent("download");
    await p.click("text=Download chain.jsonl");
    const file = await (await download).path();
    const lines = (await Bun.file(file!).text()).trim().split("\n");
    expect(lines.length).toBe(600);

    // The auditor's kit through the page's plain GET form.
    await p.getByTestId("kit-form").locator('input[name="from"]').fill("2000-01-01");
    await p.getByTestId("kit-form").locator('input[name="to"]').fill("2100-01-01");
    const kitDownload = p.waitForEvent("download");
    await p.click("text=Download the kit");
    const kit = await kitDownload;
    expect(kit.suggestedFilename()).toBe("riverside-2000-01-01-2100-01-01.tar");
    const tar = await Bun.file((await kit.path())!).text();
    expect(tar).toContain("riverside-2000-01-01-2100-01-01/verify_kit.py");

    await p.click("nav >> text=Printable packet");
    await p.getByTestId("packet-title").waitFor();
    await p.emulateMedia({ media: "print" });
    await b.shot("portal-packet-print");
    await p.emulateMedia({ media: "screen" });
  }, 60_000);

  test("portal: a new practice with no evidence yet still gets a useful page", async () => {
    await portalSignIn("owner@newleaf.example");
    const p = b.page;
    expect(await p.getByTestId("score").textContent()).toBe("—");
    expect(await p.textContent("main")).toContain("No check results yet");
    await b.shot("portal-overview-empty");
    // Someone else's site is a 404, in the browser too.
    const r = await p.goto(`${s.url}/portal/s/riverside/report`);
    expect(r?.status()).toBe(404);
  }, 60_000);

  test("dashboard: sign in with a token, open a site, create an order, approve a held one", async () => {
    const p = b.page;
    await b.context.clearCookies();
    await p.goto(`${s.url}/dashboard`);
    await p.waitForURL(/\/dashboard\/login/);
    await p.fill("#token", adminToken);
    await p.click("button[type=submit]");
    await p.waitForURL(`${s.url}/dashboard`);
    expect(await p.getByTestId("sites").textContent()).toContain("Riverside Family Practice");
    await b.shot("dashboard-sites");

    await p.click("text=Riverside Family Practice");
    await p.getByTestId("appliances").waitFor();
    await b.shot("dashboard-site");

    const form = p.getByTestId("order-form");
    await form.locator("#o-app").selectOption("app-1");
    await form.locator("#o-type").selectOption("run_check");
    await form.locator("#o-params").fill('{"checkIds":["windows.bitlocker"]}');
    await form.locator("#o-reason").fill("re-check after BitLocker fix");
    await form.locator("button[type=submit]").click();
    await p.locator(".notice.ok").waitFor();
    expect(await p.locator(".notice.ok").textContent()).toBe("Order created.");
    const row = p.getByTestId("orders").locator("tbody tr").first();
    expect(await row.textContent()).toContain("run_check");
    expect(await row.textContent()).toContain("pending");

    await form.locator("#o-app").selectOption("app-2");
    await form.locator("#o-type").selectOption("collect_diagnostics");
    await form.locator("#o-params").fill("{}");
    await form.locator("input[name=requireApproval]").check();
    await form.locator("button[type=submit]").click();
    await p.locator(".notice.ok").waitFor();
    const held = p.getByTestId("orders").locator("tbody tr", { hasText: "pending-approval" });
    await held.locator("text=Approve").click();
    await p.locator(".notice.ok", { hasText: "Order approved" }).waitFor();
    expect(await p.getByTestId("orders").locator("tbody tr").first().textContent()).not.toContain(
      "pending-approval",
    );
    await b.shot("dashboard-site-orders");
  }, 60_000);

  test("dashboard: register a MAC for a site and see the chain status", async () => {
    const p = b.page;
    await p.goto(`${s.url}/dashboard/provisioning`);
    await p.fill("#mac", "00-1A-2B-3C-4D-5E");
    await p.selectOption("#site", "newclinic");
    await p.fill("#name", "front office");
    await p.click("text=Register MAC");
    await p.locator('[data-testid=provisions] tr[data-mac="00:1a:2b:3c:4d:5e"]').waitFor();
    // The appliance claims its MAC; the technician types the fingerprint its console shows.
    const key = generateKeyPair();
    const claim = signClaim(
      "00:1a:2b:3c:4d:5e",
      {
        publicKey: key.publicKey,
        hostname: "front-office",
        agentVersion: "0.1.0",
        at: new Date().toISOString(),
      },
      key.secretKey,
    );
    expect((await s.cloud.call("POST", AGENT_API.claim("00:1a:2b:3c:4d:5e"), { body: claim })).status).toBe(
      202,
    );
    await p.goto(`${s.url}/dashboard/provisioning`);
    const row = p.locator('[data-testid=claims] tr[data-mac="00:1a:2b:3c:4d:5e"]');
    expect(await row.getByTestId("fingerprint").textContent()).toBe(keyFingerprint(key.publicKey));
    await b.shot("dashboard-provisioning");
    await row.locator("input[name=fingerprint]").fill(keyFingerprint(key.publicKey));
    await row.locator("text=Approve").click();
    await p.locator(".notice.ok", { hasText: "Claim approved" }).waitFor();

    await p.goto(`${s.url}/dashboard/sites/riverside/evidence`);
    await p.getByTestId("verify").click();
    await p.getByTestId("chain-ok").waitFor();
    await b.shot("dashboard-evidence");
  }, 60_000);

  test("dashboard: resolve an L3 incident, approve a learning candidate, read regulatory updates", async () => {
    const p = b.page;
    await p.goto(`${s.url}/dashboard/incidents`);
    const l3 = p.getByTestId("l3-queue");
    expect(await l3.textContent()).toContain("BitLocker is off on EXAM-02");
    await b.shot("dashboard-incidents");
    await l3
      .locator('tr[data-incident="inc-bitlocker"] input[name=resolution]')
      .fill("recovery key escrowed; BitLocker on");
    await l3.locator('tr[data-incident="inc-bitlocker"] button[type=submit]').click();
    await p.locator(".notice.ok", { hasText: "Incident resolved" }).waitFor();
    expect(await p.getByTestId("l3-queue").count()).toBe(0); // the queue is empty now

    await p.click("nav >> text=Learning");
    const cand = p.getByTestId("candidates").locator("tbody tr").first();
    await b.shot("dashboard-learning");
    p.once("dialog", (d) => d.accept()); // the confirm() of progressive enhancement
    await cand.locator("text=Approve as L1 rule").click();
    await p.locator(".notice.ok", { hasText: "Approved" }).waitFor();
    expect(await p.getByTestId("patterns").textContent()).toContain("approved");

    await p.click("nav >> text=Regulatory");
    await p.getByTestId("regulatory").or(p.locator(".empty")).first().waitFor();
    await b.shot("dashboard-regulatory");
  }, 60_000);

  test("dashboard: the alert history at desktop and phone widths; acknowledge an alert", async () => {
    await raiseAlert(s.cloud.deps, {
      dedupKey: "silent:app-2",
      kind: "appliance-silent",
      severity: "critical",
      summary: "appliance app-2 at riverside has not checked in for 3 min",
      siteId: "riverside",
      applianceId: "app-2",
    });
    const p = b.page;
    // Its own sign-in, so the test also runs alone.
    await b.context.clearCookies();
    await p.goto(`${s.url}/dashboard/login`);
    await p.fill("#token", adminToken);
    await p.click("button[type=submit]");
    await p.waitForURL(`${s.url}/dashboard`);
    for (const width of [1280, 390]) {
      await p.setViewportSize({ width, height: 900 });
      await p.goto(`${s.url}/dashboard/alerts`);
      const row = p.getByTestId("alerts").locator("tr", { hasText: "app-2 at riverside" });
      await row.waitFor();
      expect(await row.locator("button", { hasText: "Acknowledge" }).isVisible()).toBe(true);
      // Nothing wider than the screen: the page never scrolls sideways.
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await b.shot(`dashboard-alerts-${width}`);
    }
    await p.getByTestId("alerts").locator("button", { hasText: "Acknowledge" }).first().click();
    await p.locator(".notice.ok", { hasText: "Alert acknowledged" }).waitFor();
    expect(await p.getByTestId("alerts").textContent()).toContain("acknowledged");
    await p.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);
});
