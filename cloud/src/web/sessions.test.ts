import { expect, test } from "bun:test";
import { describeEachDb } from "../testing/each-db.ts";
import { pruneWebAuth, SESSION_IDLE_SEC } from "./auth/sessions.ts";
import { WebClient } from "./testing/client.ts";

describeEachDb("web sessions, CSRF and roles", (cloud) => {
  test("the dashboard sends a stranger to sign in, and a token opens a secure session", async () => {
    const c = cloud();
    await c.createSite("site-a");
    const token = await c.adminToken("msp-tech");
    const w = new WebClient(c);
    const first = await w.get("/dashboard");
    expect(first.status).toBe(303);
    expect(first.location).toBe("/dashboard/login?why=none&next=%2Fdashboard");
    await w.signInAdmin(token);
    const session = w.setCookies.find((s) => s.startsWith("mal_admin="))!;
    expect(session).toContain("HttpOnly");
    expect(session).toContain("SameSite=Lax");
    expect(session).not.toContain("Secure"); // plain http here
    const home = await w.get("/dashboard");
    expect(home.status).toBe(200);
    expect(home.html).toContain("Clinic site-a");
    expect(home.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(home.headers.get("cache-control")).toBe("no-store");
  });

  test("over https the cookies are Secure", async () => {
    const c = cloud();
    const w = new WebClient(c, "https://cloud.example");
    await w.signInAdmin(await c.adminToken("read-only"));
    expect(w.setCookies.find((s) => s.startsWith("mal_admin="))).toContain("Secure");
  });

  test("a wrong token is refused without a session", async () => {
    const w = new WebClient(cloud());
    await w.get("/dashboard/login");
    const r = await w.post("/dashboard/login", { token: "mla_not-a-real-token-at-all" });
    expect(r.status).toBe(401);
    expect(r.html).toContain("unknown, revoked or expired");
    expect(w.cookies.has("mal_admin")).toBe(false);
  });

  test.each([
    ["without the token", "n", { csrf: null }],
    ["with a wrong token", "w", { csrf: "x".repeat(32) }],
    ["from another origin", "o", { origin: "https://evil.example" }],
  ] as const)("a POST %s is refused with 403", async (_name, id, opts) => {
    const c = cloud();
    const site = `site-csrf-${id}`;
    await c.createSite(site);
    const w = await WebClient.admin(c, "msp-admin");
    await w.get(`/dashboard/sites/${site}`);
    const r = await w.post(`/dashboard/sites/${site}/portal-users`, { email: "a@clinic.example" }, opts);
    expect(r.status).toBe(403);
    const ok = await w.post(`/dashboard/sites/${site}/portal-users`, { email: "a@clinic.example" });
    expect(ok.status).toBe(303);
  });

  test("five wrong tokens make further wrong ones wait; a right one still signs in at once", async () => {
    const c = cloud();
    c.clock.advance(3600_000); // a fresh rate-limit window, whatever earlier tests counted
    const w = new WebClient(c);
    await w.get("/dashboard/login");
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await w.post("/dashboard/login", { token: `mla_wrong-${i}-xxxxxxxx` })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const refused = await w.post("/dashboard/login", { token: "mla_wrong-again-xxxxxxxx" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    const good = await w.post("/dashboard/login", { token: await c.adminToken("read-only") });
    expect(good.status).toBe(303);
    c.clock.advance(c.deps.config.rateLimits.login.windowSec * 1000);
    await w.get("/dashboard/login");
    expect((await w.post("/dashboard/login", { token: "mla_wrong-later-xxxxxxxx" })).status).toBe(401);
  });

  test("the sign-in form itself needs its pre-session token", async () => {
    const c = cloud();
    const w = new WebClient(c);
    const r = await w.post("/dashboard/login", { token: await c.adminToken("msp-admin") }, { csrf: null });
    expect(r.status).toBe(403);
  });

  test.each([
    ["read-only", "/dashboard/sites/site-r/portal-users", { email: "b@clinic.example" }, 403],
    ["read-only", "/dashboard/sites/site-r/orders", { type: "run_check", params: "{}" }, 403],
    ["msp-tech", "/dashboard/sites/site-r/clear-stale", {}, 403],
    ["msp-tech", "/dashboard/orders/ord_x/approve", {}, 403],
    ["msp-tech", "/dashboard/sites/site-r/portal-users", { email: "c@clinic.example" }, 303],
  ] as const)("role %s POST %s → %d", async (role, path, fields, status) => {
    const c = cloud();
    await c.createSite("site-r").catch(() => {});
    const w = await WebClient.admin(c, role);
    await w.get("/dashboard");
    const r = await w.post(path, fields);
    expect(r.status).toBe(status);
  });

  test("a site-scoped token cannot see or act on another site", async () => {
    const c = cloud();
    await c.createSite("site-s1");
    await c.createSite("site-s2");
    const w = await WebClient.admin(c, "msp-admin", "site-s1");
    const list = await w.get("/dashboard");
    expect(list.html).toContain("site-s1");
    expect(list.html).not.toContain("site-s2");
    expect((await w.get("/dashboard/sites/site-s2")).status).toBe(403);
    expect(
      (await w.post("/dashboard/sites/site-s2/portal-users", { email: "d@clinic.example" })).status,
    ).toBe(403);
  });

  test("15 idle minutes end the session; activity keeps it alive", async () => {
    const c = cloud();
    const w = await WebClient.admin(c, "read-only");
    c.clock.advance((SESSION_IDLE_SEC - 60) * 1000);
    expect((await w.get("/dashboard")).status).toBe(200);
    c.clock.advance((SESSION_IDLE_SEC - 60) * 1000);
    expect((await w.get("/dashboard")).status).toBe(200);
    c.clock.advance((SESSION_IDLE_SEC + 1) * 1000);
    const r = await w.get("/dashboard");
    expect(r.status).toBe(303);
    expect(r.location).toContain("why=idle");
    // And it stays dead.
    expect((await w.get("/dashboard")).status).toBe(303);
  });

  test("signing out ends the session on the server, not just in the browser", async () => {
    const c = cloud();
    const w = await WebClient.admin(c, "read-only");
    const stolen = w.cookies.get("mal_admin")!;
    await w.get("/dashboard");
    expect((await w.post("/dashboard/logout")).status).toBe(303);
    const thief = new WebClient(c);
    thief.cookies.set("mal_admin", stolen);
    expect((await thief.get("/dashboard")).status).toBe(303);
  });

  test("the web area does not change the JSON API's answers", async () => {
    const r = await cloud().request("/api/sites");
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.headers.get("x-frame-options")).toBeNull();
  });
});

describeEachDb("web auth pruning", (cloud) => {
  test("ended sessions and links go after a day; live ones stay", async () => {
    const c = cloud();
    await c.createSite("site-prune");
    const live = await WebClient.admin(c, "read-only");
    const old = await WebClient.admin(c, "read-only");
    await old.get("/portal/login");
    await old.post("/portal/login", { email: "x@prune.example" });
    c.clock.advance(SESSION_IDLE_SEC * 1000 - 1000);
    await live.get("/dashboard");
    c.clock.advance(25 * 3600 * 1000);
    const r = await pruneWebAuth(c.deps.db, c.clock);
    expect(r.sessions).toBeGreaterThanOrEqual(2);
    // Still pruned on a second run: nothing left to delete.
    expect((await pruneWebAuth(c.deps.db, c.clock)).sessions).toBe(0);
  });
});
