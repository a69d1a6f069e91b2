import { expect, test } from "bun:test";
import { AGENT_API } from "../../../protocol/api.ts";
import { keyFingerprint, signClaim } from "../../../protocol/provision.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { DASHBOARD_NAV } from "./dashboard/shell.tsx";
import { WebClient } from "./testing/client.ts";
import { checkinAs, seedCandidate, seedEvidence, seedIncidents } from "./testing/seed.ts";

/** The message of an error page, or null. */
const errorText = (html: string) => /data-testid="error"><h1>[^<]*<\/h1><p>([^<]*)/.exec(html)?.[1] ?? null;

describeEachDb("dashboard pages and actions", (cloud) => {
  test("every section renders for a read-only token, with no action buttons", async () => {
    const c = cloud();
    await c.createSite("site-ro");
    const w = await WebClient.admin(c, "read-only");
    for (const n of DASHBOARD_NAV) {
      const r = await w.get(n.href);
      expect({ href: n.href, status: r.status }).toEqual({ href: n.href, status: 200 });
      expect(r.html).toContain('aria-current="page"');
    }
    const site = await w.get("/dashboard/sites/site-ro");
    expect(site.html).not.toContain("Create order");
    expect(site.html).not.toContain(">Delete<");
  });

  test("site page: health from check-ins, open incidents, score per control, receipts", async () => {
    const c = cloud();
    await c.createSite("site-full");
    const app = await c.createAppliance("site-full", "app-f");
    await seedEvidence(c, app, 80, 10);
    await checkinAs(c, app, [{ code: "queue-near-bound", message: "Queue is 91% full" }]);
    await seedIncidents(c, app);
    const w = await WebClient.admin(c, "msp-tech");
    const r = await w.get("/dashboard/sites/site-full");
    expect(r.status).toBe(200);
    expect(r.html).toContain(">online<");
    expect(r.html).toContain("Queue is 91% full");
    expect(r.html).toContain("BitLocker is off on EXAM-02");
    expect(r.html).toContain('data-citation="§164.312(a)(2)(iv)"');
    expect(r.html).toContain("windows.bitlocker-fix");
    expect(r.html).toContain("Incidents by tier: L1 5, L2 1, L3 1");
    const list = await w.get("/dashboard");
    expect(list.html).toMatch(/data-site="site-full">[\s\S]*?2 open · 1 L3/);
  });

  test("sites list: search and filters from the query, worst first, a bad filter value named", async () => {
    const c = cloud();
    await c.createSite("site-birch");
    await c.createSite("site-alder");
    const w = new WebClient(c);
    await w.signInAdmin(await c.adminToken("read-only"));
    const all = await w.get("/dashboard?q=&below=");
    expect(all.html).toContain('data-testid="site-filters"');
    expect(all.html).toContain('http-equiv="refresh"');
    const one = await w.get("/dashboard?q=birch");
    expect(one.html).toContain('data-site="site-birch"');
    expect(one.html).not.toContain('data-site="site-alder"');
    expect(one.html).toContain("1 of 2 sites, worst first");
    const bad = await w.get("/dashboard?below=lots");
    expect(bad.status).toBe(400);
    expect(errorText(bad.html)).toStartWith("below:");
  });

  test("audit log: who did what, filtered, exported as CSV, and a site-scoped token sees its site only", async () => {
    const c = cloud();
    await c.createSite("site-aud");
    await c.createSite("site-other");
    const w = new WebClient(c);
    await w.signInAdmin(await c.adminToken("msp-tech"));
    await w.get("/dashboard/sites/site-aud");
    expect((await w.post("/dashboard/sites/site-aud/portal-users", { email: "om@aud.example" })).status).toBe(
      303,
    );
    const page = await w.get("/dashboard/audit?action=portal-user&site=site-aud");
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/portal-user\.create<\/td>/);
    expect(page.html).toContain('href="/dashboard/audit.csv?site=site-aud&amp;action=portal-user"');
    const csv = await w.get("/dashboard/audit.csv?action=portal-user.create");
    expect(csv.html.split("\n")[0]).toBe("at,actor,site,action,target,outcome,request_id,args_sha256");
    expect(csv.html).toContain(",site-aud,portal-user.create,");
    const scoped = new WebClient(c);
    await scoped.signInAdmin(await c.adminToken("read-only", "site-other"));
    const none = await scoped.get("/dashboard/audit?site=site-aud");
    expect(none.html).not.toContain("portal-user.create");
  });

  test("an msp-tech resolves an L3 incident from the queue; it leaves the queue", async () => {
    const c = cloud();
    await c.createSite("site-inc");
    const app = await c.createAppliance("site-inc", "app-i");
    await seedIncidents(c, app);
    const w = await WebClient.admin(c, "msp-tech");
    const form = 'action="/dashboard/sites/site-inc/incidents/app-i/inc-bitlocker/resolve"';
    const q = await w.get("/dashboard/incidents");
    expect(q.html).toContain(form);
    const r = await w.post("/dashboard/sites/site-inc/incidents/app-i/inc-bitlocker/resolve", {
      resolution: "recovery key escrowed, BitLocker on",
      back: "/dashboard/incidents",
    });
    expect(r.status).toBe(303);
    expect(r.location).toBe("/dashboard/incidents?done=incident-resolved");
    const after = await w.get("/dashboard/incidents");
    expect(after.html).not.toContain(form);
    // Resolving twice is refused with the service's reason.
    const again = await w.post("/dashboard/sites/site-inc/incidents/app-i/inc-bitlocker/resolve", {
      resolution: "x",
    });
    expect(again.status).toBe(409);
  });

  test("learning candidates: msp-admin approves one and rejects another with a reason", async () => {
    const c = cloud();
    const pattern = await seedCandidate(c);
    const w = await WebClient.admin(c, "msp-admin");
    const page = await w.get("/dashboard/learning");
    expect(page.html).toContain(`data-pattern="${pattern}"`);
    expect((await w.post(`/dashboard/learning/${pattern}/reject`, { reason: "" })).status).toBe(400);
    const ok = await w.post(`/dashboard/learning/${pattern}/approve`);
    expect(ok.location).toBe("/dashboard/learning?done=candidate-approved");
    const after = await w.get("/dashboard/learning");
    expect(after.html).toContain(">approved<");
    // A site-scoped admin may not decide fleet-wide rules.
    const scoped = new WebClient(c);
    await c.createSite("site-l").catch(() => {});
    await scoped.signInAdmin(await c.adminToken("msp-admin", "site-l"));
    await scoped.get("/dashboard/learning");
    expect((await scoped.post(`/dashboard/learning/${pattern}/reject`, { reason: "no" })).status).toBe(403);
  });

  test("orders: create, hold for approval, approve; bad parameters are named", async () => {
    const c = cloud();
    await c.createSite("site-ord");
    await c.createAppliance("site-ord", "app-o");
    const w = await WebClient.admin(c, "msp-admin");
    await w.get("/dashboard/sites/site-ord");
    const bad = await w.post("/dashboard/sites/site-ord/orders", { type: "run_check", params: "{nope" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Parameters must be a JSON object");
    const wrong = await w.post("/dashboard/sites/site-ord/orders", { type: "run_check", params: '{"x":1}' });
    expect(wrong.status).toBe(400);
    const held = await w.post("/dashboard/sites/site-ord/orders", {
      applianceId: "app-o",
      type: "collect_diagnostics",
      params: "{}",
      requireApproval: "1",
    });
    expect({ status: held.status, error: errorText(held.html), location: held.location }).toEqual({
      status: 303,
      error: null,
      location: "/dashboard/sites/site-ord?done=order-created",
    });
    const page = await w.get("/dashboard/sites/site-ord");
    const approve = /action="(\/dashboard\/orders\/[^"]+\/approve)"/.exec(page.html)![1]!;
    expect((await w.post(approve, { siteId: "site-ord" })).location).toBe(
      "/dashboard/sites/site-ord?done=order-approved",
    );
    const broadcast = await w.post("/dashboard/sites/site-ord/orders", {
      applianceId: "",
      type: "update_agent",
      params: "{}",
      done: "update-ordered",
    });
    expect(broadcast.location).toBe("/dashboard/sites/site-ord?done=update-ordered");
  });

  test("appliance delete and clear-stale need msp-admin and keep evidence", async () => {
    const c = cloud();
    await c.createSite("site-del");
    const app = await c.createAppliance("site-del", "app-d");
    await seedEvidence(c, app, 5, 1);
    const w = await WebClient.admin(c, "msp-admin");
    await w.get("/dashboard/sites/site-del");
    expect((await w.post("/dashboard/sites/site-del/appliances/app-x/delete")).status).toBe(404);
    expect((await w.post("/dashboard/sites/site-del/appliances/app-d/delete")).location).toBe(
      "/dashboard/sites/site-del?done=appliance-deleted",
    );
    expect((await w.post("/dashboard/sites/site-del/clear-stale")).status).toBe(303);
    const ev = await w.get("/dashboard/sites/site-del/evidence");
    expect(ev.html).toContain("deleted (evidence kept)");
  });

  test("provisioning: register a MAC (any notation), refuse a bad one, remove it", async () => {
    const c = cloud();
    await c.createSite("site-prov");
    const w = await WebClient.admin(c, "msp-tech");
    await w.get("/dashboard/provisioning");
    const bad = await w.post("/dashboard/provisioning", { mac: "not-a-mac", siteId: "site-prov" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("MAC address");
    const ok = await w.post("/dashboard/provisioning", { mac: "AA-BB-CC-DD-EE-01", siteId: "site-prov" });
    expect(ok.location).toBe("/dashboard/provisioning?done=provisioned");
    const list = await w.get("/dashboard/provisioning");
    expect(list.html).toContain('data-mac="aa:bb:cc:dd:ee:01"');
    expect((await w.post("/dashboard/provisioning/aa:bb:cc:dd:ee:01/delete")).status).toBe(303);
  });

  test("provisioning: a claim shows its key's fingerprint; approving it needs that fingerprint", async () => {
    const c = cloud();
    await c.createSite("site-claim");
    const w = await WebClient.admin(c, "msp-tech");
    await w.get("/dashboard/provisioning");
    await w.post("/dashboard/provisioning", { mac: "aa:bb:cc:dd:ee:02", siteId: "site-claim" });
    const key = generateKeyPair();
    const claim = signClaim(
      "aa:bb:cc:dd:ee:02",
      { publicKey: key.publicKey, hostname: "fd-02", agentVersion: "0.1.0", at: c.clock.now().toISOString() },
      key.secretKey,
    );
    const r = await c.call("POST", AGENT_API.claim("aa:bb:cc:dd:ee:02"), { body: claim });
    const { claimId } = (await r.json()) as { claimId: string };
    const page = await w.get("/dashboard/provisioning");
    const fingerprint = keyFingerprint(key.publicKey);
    expect(page.html).toContain(`data-claim="${claimId}"`);
    expect(page.html).toContain(fingerprint);
    const wrong = await w.post(`/dashboard/provisioning/claims/${claimId}/approve`, {
      fingerprint: "0000-0000-0000-0000",
    });
    expect(wrong.status).toBe(400);
    expect(errorText(wrong.html)).toContain("is not this claim&#39;s key");
    const ok = await w.post(`/dashboard/provisioning/claims/${claimId}/approve`, { fingerprint });
    expect(ok.location).toBe("/dashboard/provisioning?done=claim-approved");
    expect((await w.get("/dashboard/provisioning")).html).toContain(">approved<");
  });

  test("provisioning: among many claims for a MAC, the one with the appliance's fingerprint is approved", async () => {
    const c = cloud();
    await c.createSite("site-flood");
    const w = await WebClient.admin(c, "msp-tech");
    await w.get("/dashboard/provisioning");
    const mac = "aa:bb:cc:dd:ee:03";
    await w.post("/dashboard/provisioning", { mac, siteId: "site-flood" });
    const claimWith = async (key: ReturnType<typeof generateKeyPair>) => {
      const body = signClaim(
        mac,
        { publicKey: key.publicKey, hostname: "x", agentVersion: "0.1.0", at: c.clock.now().toISOString() },
        key.secretKey,
      );
      return (await c.call("POST", AGENT_API.claim(mac), { body })).status;
    };
    const real = generateKeyPair();
    expect(await claimWith(real)).toBe(202);
    for (let i = 0; i < 5; i++) expect(await claimWith(generateKeyPair())).toBe(202);
    const missing = await w.post("/dashboard/provisioning/claims/approve", {
      mac,
      fingerprint: "0000-0000-0000-0000",
    });
    expect(missing.status).toBe(404);
    const ok = await w.post("/dashboard/provisioning/claims/approve", {
      mac: mac.toUpperCase(),
      fingerprint: keyFingerprint(real.publicKey),
    });
    expect(ok.location).toBe("/dashboard/provisioning?done=claim-approved");
    const list = await c.call("GET", `/api/provision-claims?mac=${mac}&state=approved`, {
      bearer: await c.adminToken("read-only"),
    });
    expect(
      ((await list.json()) as { claims: { publicKey: string }[] }).claims.map((x) => x.publicKey),
    ).toEqual([real.publicKey]);
  });
});
