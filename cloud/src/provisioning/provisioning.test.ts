import { expect, test } from "bun:test";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { EnrollResponse, ProvisionRecord } from "../../../protocol/provision.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { describeEachDb } from "../testing/each-db.ts";

const MAC = "00:1a:2b:3c:4d:5e";

describeEachDb("provisioning and enrolment", (cloud) => {
  let tech: string;
  let record: ProvisionRecord;

  test("POST registers a MAC (any spelling) and GET serves the record without credentials", async () => {
    const c = cloud();
    await c.createSite("site-a");
    await c.createSite("site-b");
    tech = await c.adminToken("msp-tech", "site-a");
    const r = await c.call("POST", AGENT_API.provision("00-1A-2B-3C-4D-5E"), {
      bearer: tech,
      body: { siteId: "site-a", applianceName: "front desk" },
    });
    expect(r.status).toBe(201);
    record = v.parse(ProvisionRecord, await r.json());
    expect(record).toMatchObject({ mac: MAC, siteId: "site-a", applianceName: "front desk" });
    const g = await c.request(AGENT_API.provision(MAC));
    expect(g.status).toBe(200);
    expect(v.parse(ProvisionRecord, await g.json())).toEqual(record);
  });

  test("a site-scoped token cannot provision into another site; a duplicate MAC is a 409", async () => {
    const c = cloud();
    const other = await c.call("POST", AGENT_API.provision("00:00:00:00:00:01"), {
      bearer: tech,
      body: { siteId: "site-b" },
    });
    expect(other.status).toBe(403);
    const dup = await c.call("POST", AGENT_API.provision(MAC), { bearer: tech, body: { siteId: "site-a" } });
    expect(dup.status).toBe(409);
  });

  test("a bad MAC is a 400 naming the parameter", async () => {
    const r = await cloud().request(AGENT_API.provision("not-a-mac"));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^mac: /);
  });

  test("enroll: the code works once, the MAC must match, and the API key then works", async () => {
    const c = cloud();
    const key = generateKeyPair();
    const req = {
      enrollCode: record.enrollCode,
      publicKey: key.publicKey,
      hostname: "fd-01",
      agentVersion: "0.1.0",
    };
    const wrongMac = await c.call("POST", AGENT_API.enroll, { body: { ...req, mac: "00:00:00:00:00:02" } });
    expect(wrongMac.status).toBe(403);
    const ok = await c.call("POST", AGENT_API.enroll, { body: { ...req, mac: MAC } });
    expect(ok.status).toBe(200);
    const enrolled = v.parse(EnrollResponse, await ok.json());
    expect(enrolled).toMatchObject({ siteId: "site-a", cloudPublicKey: c.deps.keys.publicKey });
    const again = await c.call("POST", AGENT_API.enroll, { body: req });
    expect(again.status).toBe(401);
    expect((await c.request(AGENT_API.provision(MAC))).status).toBe(404);
    const sync = await c.request(AGENT_API.sync, { headers: { authorization: `Bearer ${enrolled.apiKey}` } });
    expect(sync.status).toBe(200);
  });

  test("DELETE removes a record; a read-only token may not", async () => {
    const c = cloud();
    await c.call("POST", AGENT_API.provision("00:00:00:00:00:03"), {
      bearer: tech,
      body: { siteId: "site-a" },
    });
    const ro = await c.adminToken("read-only");
    expect((await c.call("DELETE", AGENT_API.provision("00:00:00:00:00:03"), { bearer: ro })).status).toBe(
      403,
    );
    expect((await c.call("DELETE", AGENT_API.provision("00:00:00:00:00:03"), { bearer: tech })).status).toBe(
      200,
    );
    expect((await c.request(AGENT_API.provision("00:00:00:00:00:03"))).status).toBe(404);
  });

  test("an expired record is not served", async () => {
    const c = cloud();
    await c.call("POST", AGENT_API.provision("00:00:00:00:00:04"), {
      bearer: tech,
      body: { siteId: "site-a" },
    });
    c.clock.advance(c.deps.config.provisionTtlSec * 1000 + 1);
    expect((await c.request(AGENT_API.provision("00:00:00:00:00:04"))).status).toBe(404);
  });
});
