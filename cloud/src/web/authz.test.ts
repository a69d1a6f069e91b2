import { expect, test } from "bun:test";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { linkFromLog, WebClient } from "./testing/client.ts";

/** The web routes the app really has (method + path pattern), from Hono's own table. */
function webRoutes(c: TestCloud, method: string, prefix: string): string[] {
  const seen = new Set<string>();
  for (const r of c.app.routes) {
    if (r.method === method && r.path.startsWith(prefix) && !r.path.endsWith("*")) seen.add(r.path);
  }
  return [...seen].sort();
}

/** A concrete path for a pattern: `:siteId` → the site, other params → plausible values. */
const fill = (pattern: string, siteId: string) =>
  pattern
    .replace(":siteId", siteId)
    .replace(":applianceId", "app-1")
    .replace(":incidentId", "inc-1")
    .replace(":orderId", "ord_1")
    .replace(":userId", "pu_1")
    .replace(":pattern", "pat_1")
    .replace(":mac", "00:11:22:33:44:55")
    .replace(":seq", "1")
    .replace(":token", "x".repeat(43));

const ACTIONS_EXEMPT = new Set(["/dashboard/login", "/dashboard/logout"]);

describeEachDb("web authorization matrix (every route the app has)", (cloud) => {
  test("every dashboard action refuses a read-only session with 403", async () => {
    const c = cloud();
    await c.createSite("site-m");
    const w = await WebClient.admin(c, "read-only");
    await w.get("/dashboard");
    const actions = webRoutes(c, "POST", "/dashboard").filter((p) => !ACTIONS_EXEMPT.has(p));
    expect(actions.length).toBeGreaterThanOrEqual(12);
    for (const a of actions) {
      const r = await w.post(fill(a, "site-m"), {});
      expect({ a, status: r.status }).toEqual({ a, status: 403 });
    }
  });

  test("every dashboard action refuses a POST without the CSRF token, even from msp-admin", async () => {
    const c = cloud();
    await c.createSite("site-n");
    const w = await WebClient.admin(c, "msp-admin");
    await w.get("/dashboard");
    for (const a of webRoutes(c, "POST", "/dashboard").filter((p) => p !== "/dashboard/login")) {
      const r = await w.post(fill(a, "site-n"), {}, { csrf: null });
      expect({ a, status: r.status }).toEqual({ a, status: 403 });
    }
  });

  test("without a session every dashboard and portal page sends the browser to sign in", async () => {
    const c = cloud();
    const w = new WebClient(c);
    const pages = [...webRoutes(c, "GET", "/dashboard"), ...webRoutes(c, "GET", "/portal")].filter(
      (p) => !p.endsWith("/login") && !p.startsWith("/portal/magic"),
    );
    expect(pages.length).toBeGreaterThanOrEqual(15);
    for (const p of pages) {
      const r = await w.get(fill(p, "site-x"));
      expect({ p, status: r.status }).toEqual({ p, status: 303 });
      expect(r.location).toMatch(/^\/(dashboard|portal)\/login\?why=none/);
    }
  });

  test("a portal user of site A gets 404 for every site-B route the portal has", async () => {
    const c = cloud();
    await c.createSite("site-a1");
    await c.createSite("site-b1");
    await c.createAppliance("site-b1", "app-1");
    const admin = await WebClient.admin(c, "msp-tech");
    await admin.get("/dashboard/sites/site-a1");
    await admin.post("/dashboard/sites/site-a1/portal-users", { email: "a1@clinic.example" });
    const w = new WebClient(c);
    await w.get("/portal/login");
    await w.post("/portal/login", { email: "a1@clinic.example" });
    const token = linkFromLog(c, "a1@clinic.example")!.split("/").pop()!;
    await w.get(`/portal/magic/${token}`);
    await w.post("/portal/magic", { token });
    const routes = webRoutes(c, "GET", "/portal/s/:siteId");
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const route of routes) {
      expect((await w.get(fill(route, "site-a1"))).status).not.toBe(303); // signed in
      for (const other of ["site-b1", "no-such-site"]) {
        const r = await w.get(fill(route, other));
        expect({ route, other, status: r.status }).toEqual({ route, other, status: 404 });
        expect(r.html).not.toContain("site-b1");
      }
    }
    // Unknown pages are the same HTML 404.
    const unknown = await w.get("/portal/s/site-a1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('data-testid="error"');
    // A portal session is not a dashboard session.
    expect((await w.get("/dashboard")).status).toBe(303);
  });
});
