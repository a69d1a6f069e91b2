import { beforeAll, expect, test } from "bun:test";
import { newIncident } from "../../../lib/incident.ts";
import type { Incident } from "../../../protocol/incident.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance } from "../testing/test-cloud.ts";

describeEachDb("incidents", (cloud) => {
  let app: TestAppliance;
  let other: TestAppliance;
  beforeAll(async () => {
    const c = cloud();
    await c.createSite("site-i");
    await c.createSite("site-j");
    app = await c.createAppliance("site-i");
    other = await c.createAppliance("site-j");
  });

  const incident = (a: TestAppliance, id: string, over: Partial<Incident> = {}): Incident => ({
    ...newIncident(sampleFinding({ checkId: "windows.bitlocker", host: "EXAM-3", status: "fail" }), {
      id,
      applianceId: a.applianceId,
      tier: "L3",
      reason: "no TPM",
      at: "2026-11-25T10:00:00.000Z",
    }),
    ...over,
  });

  test("appliances report, people list and resolve; a cloud resolution sticks", async () => {
    const c = cloud();
    const post = (a: TestAppliance, incidents: Incident[]) =>
      c.call("POST", "/agent/incidents", { bearer: a.apiKey, body: { incidents } });
    // PHI that slipped past the appliance is scrubbed again before it rests in the cloud.
    expect((await post(app, [incident(app, "inc-1", { summary: "seen by Patient: Jane Doe" })])).status).toBe(
      200,
    );
    expect((await post(app, [incident(other, "inc-x")])).status).toBe(403);

    const tech = await c.adminToken("msp-tech", "site-i");
    const list = async (q = "") =>
      (await (await c.call("GET", `/api/sites/site-i/incidents${q}`, { bearer: tech })).json()) as {
        incidents: Array<{ incident: Incident }>;
      };
    const open = await list("?status=open");
    expect(open.incidents).toHaveLength(1);
    expect(open.incidents[0]!.incident.summary).toBe("seen by Patient: [REDACTED:name]");
    expect((await c.call("GET", "/api/sites/site-j/incidents", { bearer: tech })).status).toBe(403);
    expect((await c.call("GET", "/api/sites/site-i/incidents?status=maybe", { bearer: tech })).status).toBe(
      400,
    );

    const ro = await c.adminToken("read-only", "site-i");
    const path = `/api/sites/site-i/incidents/${app.applianceId}/inc-1/resolve`;
    expect((await c.call("POST", path, { bearer: ro, body: { resolution: "x" } })).status).toBe(403);
    expect((await c.call("POST", path, { bearer: tech, body: { resolution: "" } })).status).toBe(400);
    const r = await c.call("POST", path, { bearer: tech, body: { resolution: "TPM enabled, BitLocker on" } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { incident: Incident }).incident).toMatchObject({
      status: "resolved",
      resolution: "TPM enabled, BitLocker on",
    });
    expect((await c.call("POST", path, { bearer: tech, body: { resolution: "again" } })).status).toBe(409);
    // The appliance reads what people resolved in the cloud; another appliance sees none of it.
    const mine = (await (await c.call("GET", "/agent/incidents", { bearer: app.apiKey })).json()) as {
      incidents: Incident[];
    };
    expect(mine.incidents.map((i) => [i.id, i.status])).toEqual([["inc-1", "resolved"]]);
    const theirs = (await (await c.call("GET", "/agent/incidents", { bearer: other.apiKey })).json()) as {
      incidents: Incident[];
    };
    expect(theirs.incidents).toEqual([]);

    // The appliance, not yet aware, reports a recurrence: counts update, the resolution stays.
    await post(app, [incident(app, "inc-1", { occurrences: 3 })]);
    const all = await list();
    expect(all.incidents[0]!.incident).toMatchObject({ status: "resolved", occurrences: 3 });
  });
});
