import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ServiceContext } from "../../cloud/src/context.ts";
import { proposeException } from "../../cloud/src/program/exceptions.ts";
import { designateOfficial } from "../../cloud/src/program/officials.ts";
import { startSra } from "../../cloud/src/program/sra.ts";
import { createPortalUser } from "../../cloud/src/web/portal-users/create.ts";
import { seedEvidence } from "../../cloud/src/web/testing/seed.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";
import { portalSignIn } from "./portal-sign-in.ts";

let s: ServedCloud;
let b: Browser;
let exceptionId: string;
const OFFICIAL = "dana@riverside.example";
const PHONE = { width: 390, height: 844 };

/** The page fits the phone's width: nothing scrolls sideways but wide tables inside their own wrapper. */
async function fitsPhone(): Promise<void> {
  const width = await b.page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

describe.skipIf(!chromiumPresent())("the compliance program in the portal, on a phone", () => {
  beforeAll(async () => {
    const seeded = await serveSites([
      { id: "riverside", name: "Riverside Family Practice", tier: "professional", appliances: ["app-1"] },
    ]);
    s = seeded.s;
    const app = seeded.apps[0]!;
    const ctx = s.cloud.systemCtx();
    await seedEvidence(s.cloud, app, 40, 5);
    await createPortalUser({
      ctx,
      input: { siteId: "riverside", email: OFFICIAL, name: "Dana Official" },
    });
    await designateOfficial({
      ctx,
      input: { siteId: "riverside", role: "security-official", email: OFFICIAL },
    });
    await startSra({ ctx, input: { siteId: "riverside", trigger: "yearly" } });
    const tech: ServiceContext = {
      ...s.cloud.deps,
      actor: { type: "admin", tokenId: "tok-tom", name: "Tom Tech", role: "msp-tech", siteId: "riverside" },
      requestId: null,
    };
    ({ exceptionId } = await proposeException({
      ctx: tech,
      input: {
        siteId: "riverside",
        target: { kind: "check", checkId: "windows.bitlocker" },
        reason: "The imaging PC's vendor forbids disk encryption",
        compensatingControl: "The PC stays in the locked imaging room and stores no ePHI locally",
        expiresOn: new Date(s.cloud.clock.now().getTime() + 90 * 86_400_000).toISOString().slice(0, 10),
      },
    }));
    b = await launchBrowser();
    b.page.on("dialog", (d) => void d.accept());
    await b.page.setViewportSize(PHONE);
    await portalSignIn(b, s, OFFICIAL);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  test("the security official answers an SRA section, with a remediation step for a gap", async () => {
    const p = b.page;
    await p.goto(`${s.url}/portal/s/riverside/program`);
    await fitsPhone();
    await p.getByTestId("sra-sections").getByText("Security and vendors").click();
    await p.locator('fieldset[data-question="vendors.baa"] input[value="no"]').check();
    // A gap without a remediation step is refused with the reason, and nothing is recorded.
    await p.click("text=Save section");
    expect(await p.locator(".notice.error").textContent()).toContain("remediation step");
    await p.locator('fieldset[data-question="vendors.baa"] input[value="no"]').check();
    await p.locator('fieldset[data-question="vendors.baa"] summary').click();
    await p.fill('input[name="action.vendors.baa"]', "Sign a BAA with the billing service");
    await p.fill('input[name="owner.vendors.baa"]', "Dana Official");
    await p.fill('input[name="due.vendors.baa"]', "2027-03-01");
    await fitsPhone();
    await b.shot("program-sra-section-phone");
    await p.click("text=Save section");
    await p.waitForURL(/done=section-saved/);
    expect(await p.locator(".notice.ok").textContent()).toContain("Section saved");
    expect(await p.getByTestId("sra-sections").textContent()).toContain("answered");
    await fitsPhone();
  }, 60_000);

  test("the security official adopts a policy written for the practice", async () => {
    const p = b.page;
    await p.goto(`${s.url}/portal/s/riverside/program/policies/sanctions`);
    expect(await p.getByTestId("policy-text").textContent()).toContain("Riverside Family Practice");
    await fitsPhone();
    await b.shot("program-policy-phone");
    await p.click("text=Adopt this policy");
    await p.waitForURL(/done=adopted/);
    expect(await p.locator('tr[data-policy="sanctions"]').textContent()).toContain("adopted v1");
    // Then acknowledges it like every member of staff.
    await p.locator('tr[data-policy="sanctions"] button').click();
    await p.waitForURL(/done=acknowledged/);
    expect(await p.locator('tr[data-policy="sanctions"]').textContent()).toContain("1 acknowledged");
  }, 60_000);

  test("the security official accepts an exception the MSP proposed; the report shows it", async () => {
    const p = b.page;
    await p.goto(`${s.url}/portal/s/riverside/program`);
    const row = p.locator(`tr[data-exception="${exceptionId}"]`);
    expect(await row.textContent()).toContain("proposed");
    await fitsPhone();
    await row.getByText("Accept").click();
    await p.waitForURL(/done=accepted/);
    expect(await p.locator(`tr[data-exception="${exceptionId}"]`).textContent()).toContain("in-force");
    await b.shot("program-exception-accepted-phone");
    await p.goto(`${s.url}/portal/s/riverside/report`);
    const ctl = p.locator('tr[data-citation="§164.312(a)(2)(iv)"]');
    expect(await ctl.textContent()).toContain(`waived by exception ${exceptionId}`);
    // The control still fails on what the program lacks here (no signed SRA, no device policy yet).
    expect(await ctl.textContent()).toContain("exception in-force");
    expect(await ctl.getByTestId("program-sources").textContent()).toContain("not adopted");
    // On a desktop the report states the formula and why the rest is unassessed.
    await p.setViewportSize({ width: 1280, height: 900 });
    expect(await p.getByTestId("score-formula").textContent()).toContain("score = 100 ×");
    await b.shot("program-report-desktop");
    await p.setViewportSize(PHONE);
  }, 60_000);
});
