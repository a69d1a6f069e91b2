import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { AGENT_API } from "../../../protocol/api.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { auditLog } from "../db/schema/audit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";

describeEachDb("appliance administration", (cloud) => {
  let admin: string;
  let a: TestAppliance;

  const sync = (key: string) =>
    cloud().request(AGENT_API.sync, { headers: { authorization: `Bearer ${key}` } });

  test("key rotation: the new key works; with revokeOthers the old one stops", async () => {
    const c = cloud();
    await c.createSite("site-a");
    a = await c.createAppliance("site-a", "a1");
    admin = await c.adminToken("msp-admin");
    const keep = await c.call("POST", "/api/appliances/a1/keys", { bearer: admin, body: {} });
    const k1 = (await keep.json()) as { apiKey: string; apiKeyId: string };
    expect((await sync(a.apiKey)).status).toBe(200);
    expect((await sync(k1.apiKey)).status).toBe(200);
    const swap = await c.call("POST", "/api/appliances/a1/keys", {
      bearer: admin,
      body: { revokeOthers: true },
    });
    const k2 = (await swap.json()) as { apiKey: string };
    expect((await sync(a.apiKey)).status).toBe(401);
    expect((await sync(k1.apiKey)).status).toBe(401);
    expect((await sync(k2.apiKey)).status).toBe(200);
    a = { ...a, apiKey: k2.apiKey, headers: { ...a.headers, authorization: `Bearer ${k2.apiKey}` } };
  });

  test("revoking one key; an unknown key id is a 404", async () => {
    const c = cloud();
    const k = (await (
      await c.call("POST", "/api/appliances/a1/keys", { bearer: admin, body: {} })
    ).json()) as {
      apiKey: string;
      apiKeyId: string;
    };
    expect((await c.call("DELETE", `/api/appliances/a1/keys/${k.apiKeyId}`, { bearer: admin })).status).toBe(
      200,
    );
    expect((await sync(k.apiKey)).status).toBe(401);
    expect((await c.call("DELETE", `/api/appliances/a1/keys/${k.apiKeyId}`, { bearer: admin })).status).toBe(
      404,
    );
  });

  test("msp-tech may not rotate keys or delete appliances; the refusal is audited", async () => {
    const c = cloud();
    const tech = await c.adminToken("msp-tech");
    expect((await c.call("POST", "/api/appliances/a1/keys", { bearer: tech, body: {} })).status).toBe(403);
    expect((await c.call("DELETE", "/api/appliances/a1", { bearer: tech })).status).toBe(403);
    const denied = await c.deps.db.select().from(auditLog).where(eq(auditLog.outcome, "denied"));
    expect(denied.map((d) => d.action).sort()).toEqual([
      "DELETE /api/appliances/:applianceId",
      "POST /api/appliances/:applianceId/keys",
    ]);
  });

  test("clear-stale retires only appliances silent past the threshold", async () => {
    const c = cloud();
    await c.createSite("site-s");
    const fresh = await c.createAppliance("site-s", "fresh");
    await c.createAppliance("site-s", "silent");
    c.clock.advance(8 * 86_400_000);
    await c.request(AGENT_API.checkin, {
      method: "POST",
      headers: fresh.headers,
      body: JSON.stringify(sampleCheckin()),
    });
    const r = await c.call("POST", "/api/sites/site-s/clear-stale", { bearer: admin, body: {} });
    expect(await r.json()).toEqual({ cleared: ["silent"] });
    const list = (await (await c.call("GET", "/api/sites/site-s/appliances", { bearer: admin })).json()) as {
      appliances: { id: string }[];
    };
    expect(list.appliances.map((x) => x.id)).toEqual(["fresh"]);
  });

  test("delete-appliance revokes its key and expires its open orders; the action is audited", async () => {
    const c = cloud();
    await c.call("POST", "/api/sites/site-a/orders", {
      bearer: admin,
      body: { applianceId: "a1", type: "sync_rules", params: {} },
    });
    const r = await c.call("DELETE", "/api/appliances/a1", { bearer: admin });
    expect(r.status).toBe(200);
    expect((await sync(a.apiKey)).status).toBe(401);
    const orders = (await (await c.call("GET", "/api/sites/site-a/orders", { bearer: admin })).json()) as {
      orders: { state: string }[];
    };
    expect(orders.orders.every((o) => o.state === "expired")).toBe(true);
    const audit = await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "appliance.delete"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: "appliance:a1", outcome: "ok", siteId: "site-a" });
    expect(audit[0]!.actor).toMatch(/^admin:tok_/);
    expect(audit[0]!.requestId).toBeTruthy();
    expect((await c.call("DELETE", "/api/appliances/a1", { bearer: admin })).status).toBe(404);
  });

  test("privileged actions have their own, stricter budget (429 + Retry-After)", async () => {
    const c = cloud();
    c.deps.config.rateLimits.privileged = { limit: 2, windowSec: 3600 };
    try {
      const t = await c.adminToken("msp-admin");
      await c.createAppliance("site-a", "p1");
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await c.call("POST", "/api/appliances/p1/keys", { bearer: t, body: {} })).status);
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      c.deps.config.rateLimits.privileged = { limit: 30, windowSec: 3600 };
    }
  });
});
