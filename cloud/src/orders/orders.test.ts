import { expect, test } from "bun:test";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { PendingOrdersResponse, type SignedOrder } from "../../../protocol/order.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";
import type { OrderView } from "./schemas.ts";

describeEachDb("orders", (cloud) => {
  let a1: TestAppliance;
  let a2: TestAppliance;
  let tech: string;
  let admin: string;

  async function pending(a: TestAppliance): Promise<SignedOrder[]> {
    const r = await cloud().request(AGENT_API.orders, { headers: a.headers });
    expect(r.status).toBe(200);
    return v.parse(PendingOrdersResponse, await r.json()).orders;
  }

  test("a single-appliance order is signed by the cloud key with target, expiry and nonce", async () => {
    const c = cloud();
    await c.createSite("site-a");
    a1 = await c.createAppliance("site-a", "a1");
    a2 = await c.createAppliance("site-a", "a2");
    tech = await c.adminToken("msp-tech", "site-a");
    admin = await c.adminToken("msp-admin");
    const r = await c.call("POST", "/api/sites/site-a/orders", {
      bearer: tech,
      body: { applianceId: "a1", type: "run_check", params: { checkIds: ["linux.ssh-hardening"] } },
    });
    expect(r.status).toBe(201);
    const [o] = ((await r.json()) as { orders: OrderView[] }).orders;
    expect(o?.state).toBe("pending");
    const got = await pending(a1);
    expect(got).toHaveLength(1);
    const signed = got[0]!;
    expect(verifyEnvelope(signed, c.deps.keys.publicKey)).toEqual({ ok: true });
    expect(signed.payload).toMatchObject({ applianceId: "a1", siteId: "site-a", type: "run_check" });
    expect(signed.payload.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(signed.payload.expiresAt)).toBeGreaterThan(Date.parse(signed.payload.issuedAt));
    expect(await pending(a2)).toHaveLength(0);
  });

  test("params are checked against the order type", async () => {
    const r = await cloud().call("POST", "/api/sites/site-a/orders", {
      bearer: tech,
      body: { applianceId: "a1", type: "run_runbook", params: { runbookId: "BAD ID" } },
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
      /params for run_runbook/,
    );
  });

  test("a broadcast is one order per appliance, each with its own nonce", async () => {
    const c = cloud();
    const r = await c.call("POST", "/api/sites/site-a/orders", {
      bearer: tech,
      body: { type: "sync_rules", params: {} },
    });
    const { orders } = (await r.json()) as { orders: OrderView[] };
    expect(orders.map((o) => o.applianceId).sort()).toEqual(["a1", "a2"]);
    expect(new Set(orders.map((o) => o.signed?.payload.nonce)).size).toBe(2);
    expect(await pending(a2)).toHaveLength(1);
  });

  test("ack then complete; repeats are idempotent; another appliance's order is a 404", async () => {
    const c = cloud();
    const [o] = await pending(a2);
    const id = o!.payload.id;
    const ack = { receivedAt: new Date().toISOString() };
    expect(
      (
        await c.request(AGENT_API.orderAck(id), {
          method: "POST",
          headers: a1.headers,
          body: JSON.stringify(ack),
        })
      ).status,
    ).toBe(404);
    for (let i = 0; i < 2; i++) {
      const r = await c.request(AGENT_API.orderAck(id), {
        method: "POST",
        headers: a2.headers,
        body: JSON.stringify(ack),
      });
      expect(await r.json()).toEqual({ id, state: "acknowledged" });
    }
    const done = { status: "succeeded", result: { ok: true }, finishedAt: new Date().toISOString() };
    for (let i = 0; i < 2; i++) {
      const r = await c.request(AGENT_API.orderComplete(id), {
        method: "POST",
        headers: a2.headers,
        body: JSON.stringify(done),
      });
      expect(await r.json()).toEqual({ id, state: "succeeded" });
    }
    const other = { ...done, status: "failed" };
    const r = await c.request(AGENT_API.orderComplete(id), {
      method: "POST",
      headers: a2.headers,
      body: JSON.stringify(other),
    });
    expect(r.status).toBe(409);
    expect(await pending(a2)).toHaveLength(0);
  });

  test("pending-approval: invisible to the appliance until an msp-admin approves (then signed)", async () => {
    const c = cloud();
    const r = await c.call("POST", "/api/sites/site-a/orders", {
      bearer: tech,
      body: { applianceId: "a2", type: "collect_diagnostics", params: {}, requireApproval: true },
    });
    const [o] = ((await r.json()) as { orders: OrderView[] }).orders;
    expect(o).toMatchObject({ state: "pending-approval", signed: null });
    expect(await pending(a2)).toHaveLength(0);
    const byTech = await c.call("POST", `/api/orders/${o!.id}/approve`, { bearer: tech, body: {} });
    expect(byTech.status).toBe(403);
    const ok = await c.call("POST", `/api/orders/${o!.id}/approve`, {
      bearer: admin,
      body: { reason: "looks right" },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as OrderView).state).toBe("pending");
    const [signed] = await pending(a2);
    expect(signed!.payload.id).toBe(o!.id);
    expect(verifyEnvelope(signed!, c.deps.keys.publicKey).ok).toBe(true);
    const again = await c.call("POST", `/api/orders/${o!.id}/reject`, { bearer: admin, body: {} });
    expect(again.status).toBe(409);
  });

  test("reject, and an approval after expiry only expires the order", async () => {
    const c = cloud();
    const mk = async () => {
      const r = await c.call("POST", "/api/sites/site-a/orders", {
        bearer: tech,
        body: { applianceId: "a1", type: "update_agent", params: {}, requireApproval: true, ttlSec: 60 },
      });
      return ((await r.json()) as { orders: OrderView[] }).orders[0]!.id;
    };
    const x = await mk();
    const rej = await c.call("POST", `/api/orders/${x}/reject`, { bearer: admin, body: { reason: "no" } });
    expect(((await rej.json()) as OrderView).state).toBe("rejected");
    const y = await mk();
    c.clock.advance(61_000);
    const late = await c.call("POST", `/api/orders/${y}/approve`, { bearer: admin, body: {} });
    expect(late.status).toBe(409);
    const list = await c.call("GET", "/api/sites/site-a/orders?state=expired", { bearer: tech });
    expect(((await list.json()) as { orders: OrderView[] }).orders.map((o) => o.id)).toContain(y);
  });

  test("expired pending orders are not delivered", async () => {
    const c = cloud();
    await c.call("POST", "/api/sites/site-a/orders", {
      bearer: tech,
      body: { applianceId: "a1", type: "sync_rules", params: {}, ttlSec: 60 },
    });
    const before = (await pending(a1)).length;
    c.clock.advance(61_000);
    expect((await pending(a1)).length).toBeLessThan(before);
  });

  test("remediation orders: 10 per site per 5 minutes, then 429 with Retry-After", async () => {
    const c = cloud();
    const body = {
      applianceId: "a1",
      type: "run_runbook",
      params: { runbookId: "linux.firewall", host: "h1" },
    };
    for (let i = 0; i < 10; i++) {
      expect((await c.call("POST", "/api/sites/site-a/orders", { bearer: tech, body })).status).toBe(201);
    }
    const r = await c.call("POST", "/api/sites/site-a/orders", { bearer: tech, body });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await r.json()) as { error: { retryable: boolean } }).error.retryable).toBe(true);
    c.clock.advance(300_000);
    expect((await c.call("POST", "/api/sites/site-a/orders", { bearer: tech, body })).status).toBe(201);
  });
});
