import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AGENT_API } from "../../protocol/api.ts";
import { generateSealKeyPair } from "../../protocol/seal.ts";
import { announceSealKey } from "../../protocol/targets.ts";
import { sampleCheckin } from "../../protocol/testkit.ts";
import { type Browser, chromiumPresent, launchBrowser } from "./browser.ts";
import { type ServedCloud, serveSites } from "./cloud-server.ts";

let s: ServedCloud;
let b: Browser;
let adminToken: string;

describe.skipIf(!chromiumPresent())("devices and targets page in Chromium", () => {
  beforeAll(async () => {
    const seeded = await serveSites([
      { id: "oakview", name: "Oakview Dental", tier: "professional", appliances: ["app-1"] },
    ]);
    s = seeded.s;
    const app = seeded.apps[0]!;
    const seal = await generateSealKeyPair();
    await s.cloud.call("POST", AGENT_API.checkin, {
      bearer: app.apiKey,
      body: sampleCheckin({ sealKey: announceSealKey(seal.publicKey, app.key.secretKey) }),
    });
    const at = new Date().toISOString();
    const devices = ["FRONTDESK-01", "EXAM-02"].map((name, i) => ({
      mac: `00:15:5d:00:00:0${i}`,
      addresses: [`192.168.20.${10 + i}`],
      names: [`${name.toLowerCase()}.oakview.local`],
      osGuess: "Windows 11 Pro 10.0 (22631)",
      sources: ["active-directory", "neighbour-table"],
      openPorts: [135, 445, 5985],
      seenAt: at,
    }));
    await s.cloud.call("POST", AGENT_API.devices, { bearer: app.apiKey, body: { observedAt: at, devices } });
    adminToken = await s.cloud.adminToken("msp-tech");
    b = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  test("make a discovered device a target at desktop and phone widths, without scrolling sideways", async () => {
    const p = b.page;
    await p.goto(`${s.url}/dashboard/login`);
    await p.fill("#token", adminToken);
    await p.click("button[type=submit]");
    await p.waitForURL(`${s.url}/dashboard`);
    for (const [width, name] of [
      [1280, "frontdesk-01.oakview.local"],
      [390, "exam-02.oakview.local"],
    ] as const) {
      await p.setViewportSize({ width, height: 900 });
      await p.goto(`${s.url}/dashboard/sites/oakview/devices`);
      const row = p.getByTestId("unmanaged-devices").locator("tr", { hasText: name });
      await row.locator("a", { hasText: "Make target" }).click();
      expect(await p.inputValue("#t-host")).toBe(name);
      await p.fill("#t-domain", "OAKVIEW");
      await p.fill("#t-user", "svc-malachor");
      await p.fill("#t-password", "Browser-Typed-Pw-1");
      await p.getByTestId("target-form").locator("button[type=submit]").click();
      await p.locator(".notice.ok", { hasText: "Target added" }).waitFor();
      expect(await p.getByTestId("targets").textContent()).toContain(name);
      expect(await p.content()).not.toContain("Browser-Typed-Pw-1");
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await b.shot(`dashboard-devices-${width}`);
    }
    expect(await p.locator("h2", { hasText: "Unmanaged devices (0)" }).count()).toBe(1);
    await p.setViewportSize({ width: 1280, height: 900 });
  }, 90_000);
});
