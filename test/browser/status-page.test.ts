import { afterAll, beforeAll, expect, test } from "bun:test";
import { SAMPLE_NOW, sampleStatus } from "../../agent/src/status/fixture.ts";
import { statusPageResponse } from "../../agent/src/status/handler.ts";
import type { StatusSnapshot } from "../../agent/src/status/snapshot.ts";
import { type Browser, launchBrowser } from "./browser.ts";

let snapshot: StatusSnapshot = sampleStatus();
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => statusPageResponse(snapshot, SAMPLE_NOW),
});
let b: Browser;

beforeAll(async () => {
  b = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await b?.close();
  server.stop(true);
});

test("clinic staff see health, per-check explanations and queue state", async () => {
  snapshot = sampleStatus();
  await b.page.goto(server.url.href);
  await expect(b.page.getByTestId("health").textContent()).resolves.toContain(
    "Working, with things to look at",
  );
  const rows = b.page.getByTestId("checks").locator("tbody tr");
  expect(await rows.count()).toBe(5);
  // Problems first, in plain words.
  await expect(rows.first().textContent()).resolves.toContain("Disk encryption");
  await expect(b.page.textContent("body")).resolves.toContain("Records waiting to send");
  await b.shot("status-page");
}, 60_000);

test("a fresh appliance with nothing checked yet still renders a useful page", async () => {
  snapshot = sampleStatus({
    findings: [],
    lastCycle: null,
    lastSync: null,
    lastUpload: null,
    chain: { seq: 0, head: "0".repeat(64) },
  });
  await b.page.goto(server.url.href);
  await expect(b.page.textContent("body")).resolves.toContain("No checks have finished yet");
  await b.shot("status-page-empty");
}, 60_000);
