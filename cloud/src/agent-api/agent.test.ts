import { expect, test } from "bun:test";
import * as v from "valibot";
import { testRule } from "../../../lib/rules/testing.ts";
import { AGENT_API } from "../../../protocol/api.ts";
import { CheckinResponse } from "../../../protocol/checkin.ts";
import type { L1Rule } from "../../../protocol/rules.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { DEFAULT_SITE_CONFIG, SyncResponse } from "../../../protocol/sync.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";

const rule = (id: string, priority: number): L1Rule =>
  testRule({
    id,
    priority,
    description: `rule ${id}`,
    match: { checks: ["linux.firewall"], statuses: ["fail"], conditions: [] },
    action: { type: "runbook", runbookId: "linux.firewall", params: {} },
  });

describeEachDb("agent check-in and sync", (cloud) => {
  let a: TestAppliance;

  test("check-in records health and answers versions, pending orders and the chain head", async () => {
    const c = cloud();
    await c.createSite("site-a");
    a = await c.createAppliance("site-a", "a1");
    const r = await c.request(AGENT_API.checkin, {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify(sampleCheckin()),
    });
    expect(r.status).toBe(200);
    const body = v.parse(CheckinResponse, await r.json());
    expect(body).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      configVersion: 1,
      rulesVersion: 0,
      pendingOrders: 0,
      chainSeq: 0,
    });
    const admin = await c.adminToken("read-only");
    const list = (await (await c.call("GET", "/api/sites/site-a/appliances", { bearer: admin })).json()) as {
      appliances: { id: string; hostname: string; agentVersion: string; lastCheckinAt: string }[];
    };
    expect(list.appliances[0]).toMatchObject({ id: "a1", hostname: "appliance-1", agentVersion: "0.1.0" });
  });

  test("an invalid check-in is a 400 naming the field", async () => {
    const r = await cloud().request(AGENT_API.checkin, {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify(sampleCheckin({ agentVersion: "banana" })),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/agentVersion/);
  });

  test("sync: config and rules each signed by the cloud key; config and rule publishes bump versions", async () => {
    const c = cloud();
    const tech = await c.adminToken("msp-tech", "site-a");
    const admin = await c.adminToken("msp-admin");
    const { version: _v, ...config } = { ...DEFAULT_SITE_CONFIG, checkIntervalSec: 300 };
    expect((await c.call("PUT", "/api/sites/site-a/config", { bearer: tech, body: config })).status).toBe(
      200,
    );
    expect(
      (
        await c.call("PUT", "/api/rules", {
          bearer: admin,
          body: { rules: [rule("fleet-1", 10), rule("both", 1)] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await c.call("PUT", "/api/sites/site-a/rules", {
          bearer: admin,
          body: { rules: [{ ...rule("both", 5), version: 2 }] },
        })
      ).status,
    ).toBe(200);
    const s = v.parse(SyncResponse, await (await c.request(AGENT_API.sync, { headers: a.headers })).json());
    expect(verifyEnvelope(s.config, c.deps.keys.publicKey).ok).toBe(true);
    expect(verifyEnvelope(s.rules, c.deps.keys.publicKey).ok).toBe(true);
    expect(s.config.payload).toMatchObject({ version: 2, checkIntervalSec: 300 });
    expect(s.rules.payload.version).toBe(2);
    expect(s.rules.payload.rules.map((r) => [r.id, r.version])).toEqual([
      ["fleet-1", 1],
      ["both", 2],
    ]);
    const ci = v.parse(
      CheckinResponse,
      await (
        await c.request(AGENT_API.checkin, {
          method: "POST",
          headers: a.headers,
          body: JSON.stringify(sampleCheckin()),
        })
      ).json(),
    );
    expect(ci).toMatchObject({ configVersion: 2, rulesVersion: 2 });
  });

  test("a site-scoped msp-tech cannot publish fleet rules", async () => {
    const c = cloud();
    const tech = await c.adminToken("msp-admin", "site-a");
    const r = await c.call("PUT", "/api/rules", { bearer: tech, body: { rules: [] } });
    expect(r.status).toBe(403);
  });

  test("per-appliance agent limit: 429 with Retry-After past the budget", async () => {
    const c = cloud();
    c.deps.config.rateLimits.agent = { limit: 5, windowSec: 60 };
    try {
      const b = await c.createAppliance("site-a", "limited");
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await c.request(AGENT_API.sync, { headers: b.headers })).status;
      expect(last).toBe(429);
      // Another appliance has its own budget.
      expect((await c.request(AGENT_API.sync, { headers: a.headers })).status).toBe(200);
    } finally {
      c.deps.config.rateLimits.agent = { limit: 600, windowSec: 60 };
    }
  });
});
