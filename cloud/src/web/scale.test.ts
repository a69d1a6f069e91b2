import { afterAll, beforeAll, expect, test } from "bun:test";
import { makeTestCloud, type TestCloud } from "../testing/test-cloud.ts";
import { BUNDLES_PER_PAGE } from "./portal/routes.tsx";
import { linkFromLog, WebClient } from "./testing/client.ts";
import { seedEvidence } from "./testing/seed.ts";

// 10,000 bundles: pages must aggregate and paginate in SQL and stay useful.
let c: TestCloud;
let portal: WebClient;
let admin: WebClient;

beforeAll(async () => {
  const t0 = performance.now();
  c = await makeTestCloud();
  await c.createSite("site-big");
  const app = await c.createAppliance("site-big", "app-big");
  const t1 = performance.now();
  await seedEvidence(c, app, 10_000, 30);
  console.log(
    `scale: cloud up in ${Math.round(t1 - t0)} ms, 10,000 bundles ingested in ${Math.round(performance.now() - t1)} ms`,
  );
  admin = new WebClient(c);
  await admin.signInAdmin(await c.adminToken("msp-admin"));
  await admin.get("/dashboard/sites/site-big");
  await admin.post("/dashboard/sites/site-big/portal-users", { email: "big@clinic.example" });
  portal = new WebClient(c);
  await portal.get("/portal/login");
  await portal.post("/portal/login", { email: "big@clinic.example" });
  const token = linkFromLog(c, "big@clinic.example")!.split("/").pop()!;
  await portal.get(`/portal/magic/${token}`);
  await portal.post("/portal/magic", { token });
}, 120_000);
afterAll(() => c?.close());

test("overview shows the score and a 30-day trend from 10,000 bundles", async () => {
  const r = await portal.get("/portal/s/site-big");
  expect(r.status).toBe(200);
  expect(r.html).toMatch(/data-testid="score">\d+(\.\d)?%/);
  expect(r.html).toContain("10,000");
  expect((r.html.match(/<circle/g) ?? []).length).toBeGreaterThanOrEqual(29);
});

test("the evidence page shows one page of bundles and pages on by cursor", async () => {
  const first = await portal.get("/portal/s/site-big/evidence");
  expect(first.status).toBe(200);
  expect((first.html.match(/<tr id="b-/g) ?? []).length).toBe(BUNDLES_PER_PAGE);
  expect(first.html).toContain(`${BUNDLES_PER_PAGE} of 10,000 bundles shown`);
  expect(first.html).toContain("app-big#10000");
  const next = /href="(\/portal\/s\/site-big\/evidence\?after=[^"]+)"/
    .exec(first.html)![1]!
    .replaceAll("&amp;", "&");
  const second = await portal.get(next);
  expect(second.html).toContain(`app-big#${10_000 - BUNDLES_PER_PAGE}`);
  expect(second.html).not.toContain("app-big#10000<");
});

test("verifying the whole 10,000-bundle chain succeeds", async () => {
  const r = await portal.get("/portal/s/site-big/evidence?verify=1");
  expect(r.html).toContain("Chain verified");
  expect(r.html).toContain("all 10,000 bundles");
}, 60_000);

test("the dashboard's site page and sites list render with receipts and charts", async () => {
  const site = await admin.get("/dashboard/sites/site-big");
  expect(site.status).toBe(200);
  expect(site.html).toContain('data-testid="tier-chart"');
  expect((site.html.match(/class="bar L[123]"/g) ?? []).length).toBeGreaterThan(10);
  expect(site.html).toContain('data-testid="receipts"');
  const list = await admin.get("/dashboard");
  expect(list.html).toMatch(/\d+(\.\d)?%/);
});
