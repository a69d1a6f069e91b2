import { expect, test } from "bun:test";
import { describeEachDb } from "../testing/each-db.ts";
import { MAGIC_LINK_TTL_SEC } from "./auth/magic-link.ts";
import { PORTAL_SITE_PAGES } from "./portal/routes.tsx";
import { addPortalUser, linkFromLog, signInPortal, WebClient } from "./testing/client.ts";
import { seedEvidence } from "./testing/seed.ts";

describeEachDb("client portal", (cloud) => {
  test("magic link: mailed (to the log in dev), single-use, lands on the user's own site", async () => {
    const c = cloud();
    await c.createSite("site-a");
    await addPortalUser(c, "site-a", "doctor@a.example");
    const w = new WebClient(c);
    await w.get("/portal/login");
    await w.post("/portal/login", { email: "Doctor@A.example " });
    const link = linkFromLog(c, "doctor@a.example")!;
    expect(link).toStartWith(`${c.deps.config.publicUrl}/portal/magic/`);
    const token = link.split("/").pop()!;
    // Only its hash is stored.
    const stored = JSON.stringify(await c.deps.db.execute("select token_hash from magic_links" as never));
    expect(stored).not.toContain(token);
    await w.get(`/portal/magic/${token}`);
    const r = await w.post("/portal/magic", { token });
    expect(r.location).toBe("/portal/s/site-a");
    expect(w.setCookies.find((s) => s.startsWith("mal_portal="))).toContain("HttpOnly");
    expect((await w.get("/portal/s/site-a")).status).toBe(200);
    // Second use of the same link.
    const again = new WebClient(c);
    await again.get(`/portal/magic/${token}`);
    expect((await again.post("/portal/magic", { token })).status).toBe(410);
  });

  test("an unknown address gets the same answer and no mail", async () => {
    const c = cloud();
    const w = new WebClient(c);
    await w.get("/portal/login");
    const r = await w.post("/portal/login", { email: "nobody@nowhere.example" });
    expect(r.status).toBe(200);
    expect(r.html).toContain("Check your e-mail");
    expect(linkFromLog(c, "nobody@nowhere.example")).toBeNull();
  });

  test("a link expires after 15 minutes", async () => {
    const c = cloud();
    await c.createSite("site-exp");
    await addPortalUser(c, "site-exp", "late@exp.example");
    const w = new WebClient(c);
    await w.get("/portal/login");
    await w.post("/portal/login", { email: "late@exp.example" });
    const token = linkFromLog(c, "late@exp.example")!.split("/").pop()!;
    c.clock.advance((MAGIC_LINK_TTL_SEC + 1) * 1000);
    await w.get(`/portal/magic/${token}`);
    const dead = await w.post("/portal/magic", { token });
    expect(dead.status).toBe(410);
    // The page leads with how to get a new link.
    expect(dead.html).toMatch(
      /<h1>Get a new sign-in link<\/h1><p><a href="\/portal\/login" data-testid="error-next">/,
    );
  });

  test("requests for links are rate-limited per address", async () => {
    const c = cloud();
    const w = new WebClient(c);
    await w.get("/portal/login");
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await w.post("/portal/login", { email: "spam@x.example" })).status);
    expect(codes).toEqual([200, 200, 200, 429]);
  });

  test("a disabled portal user is signed out at once", async () => {
    const c = cloud();
    await c.createSite("site-dis");
    await addPortalUser(c, "site-dis", "gone@dis.example");
    const w = await signInPortal(c, "gone@dis.example");
    expect((await w.get("/portal/s/site-dis")).status).toBe(200);
    const admin = await WebClient.admin(c, "msp-tech");
    const page = await admin.get("/dashboard/sites/site-dis");
    const action = /action="(\/dashboard\/sites\/site-dis\/portal-users\/[^"]+\/disable)"/.exec(
      page.html,
    )![1]!;
    expect((await admin.post(action)).status).toBe(303);
    expect((await w.get("/portal/s/site-dis")).status).toBe(303);
  });

  test("with 0 bundles every page renders and says what is missing", async () => {
    const c = cloud();
    await c.createSite("site-zero");
    await c.createAppliance("site-zero", "app-z");
    await addPortalUser(c, "site-zero", "z@zero.example");
    const w = await signInPortal(c, "z@zero.example");
    const overview = await w.get("/portal/s/site-zero");
    expect(overview.html).toContain("No check results yet");
    expect(overview.html).toContain('data-testid="score">—');
    const evidence = await w.get("/portal/s/site-zero/evidence?verify=1");
    expect(evidence.status).toBe(200);
    expect(evidence.html).toContain("No evidence bundle has been received yet.");
    for (const p of PORTAL_SITE_PAGES) {
      expect({ p, s: (await w.get(`/portal/s/site-zero${p}`)).status }).toEqual({ p, s: 200 });
    }
  });

  test("the report shows each control's status with the evidence behind it", async () => {
    const c = cloud();
    await c.createSite("site-rep");
    const app = await c.createAppliance("site-rep", "app-r");
    await seedEvidence(c, app, 40, 5);
    await addPortalUser(c, "site-rep", "r@rep.example");
    const w = await signInPortal(c, "r@rep.example");
    const report = await w.get("/portal/s/site-rep/report");
    expect(report.html).toContain('data-citation="§164.312(a)(2)(iv)"');
    expect(report.html).toContain("windows.bitlocker");
    expect(report.html).toMatch(/bundle app-r#\d+/);
    const href = /href="(\/portal\/s\/site-rep\/evidence\/bundle\/app-r\/\d+)"/.exec(report.html)![1]!;
    const bundle = await w.get(href);
    expect(bundle.status).toBe(200);
    expect(bundle.html).toContain("Signed JSON");
    const jsonl = await w.get("/portal/s/site-rep/evidence.jsonl");
    expect(jsonl.html.trim().split("\n").length).toBe(40);
    const keys = await w.get("/portal/s/site-rep/keys.txt");
    expect(keys.html.trim()).toBe(app.key.publicKey);
    const verified = await w.get("/portal/s/site-rep/evidence?verify=1");
    expect(verified.html).toContain("Chain verified");
    const packet = await w.get("/portal/s/site-rep/packet");
    expect(packet.html).toContain("HIPAA Security Rule compliance packet");
    expect(packet.html).toContain("@media print");
  });
});
