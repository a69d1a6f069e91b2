import { expect, test } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import {
  ClaimList,
  ClaimPending,
  EnrollResponse,
  keyFingerprint,
  ProvisionRecord,
  signClaim,
  signEnroll,
} from "../../../protocol/provision.ts";
import { generateKeyPair, type KeyPair } from "../../../protocol/sign.ts";
import { auditLog } from "../db/schema/audit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";

const MAC = "00:1a:2b:3c:4d:5e";

/** A request as it arrives through Bun.serve from `address` (the app's env carries the peer). */
function from(c: TestCloud, address: string, method: string, path: string, body?: unknown) {
  return c.app.request(
    path,
    {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    { requestIP: () => ({ address, family: "IPv4", port: 40_000 }) },
  );
}

/** A claim for `mac` signed by `key` now (each call one second later, so none is a replay). */
function claimBody(c: TestCloud, mac: string, key: KeyPair, hostname = "fd-01") {
  c.clock.advance(1000);
  return signClaim(
    mac,
    { publicKey: key.publicKey, hostname, agentVersion: "0.1.0", at: c.clock.now().toISOString() },
    key.secretKey,
  );
}

function enrollBody(c: TestCloud, code: string, key: KeyPair, mac?: string) {
  c.clock.advance(1000);
  return signEnroll(
    {
      enrollCode: code,
      publicKey: key.publicKey,
      hostname: "fd-01",
      agentVersion: "0.1.0",
      at: c.clock.now().toISOString(),
      ...(mac ? { mac } : {}),
    },
    key.secretKey,
  );
}

describeEachDb("zero-touch provisioning: claims, approval, one-time codes", (cloud) => {
  let tech: string;
  let record: ProvisionRecord;
  const rogue = generateKeyPair();
  /** Every answer an unauthenticated caller got, to prove none carries a secret. */
  const anonymous: string[] = [];
  const claim = async (mac: string, key: KeyPair, address = "192.0.2.10") => {
    const r = await from(cloud(), address, "POST", AGENT_API.claim(mac), claimBody(cloud(), mac, key));
    const text = await r.text();
    return { status: r.status, text, json: text ? JSON.parse(text) : undefined };
  };

  test("a MAC is registered by a technician; the record (with its code) is for admins only", async () => {
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
    const asTech = await c.call("GET", AGENT_API.provision(MAC), { bearer: tech });
    expect(v.parse(ProvisionRecord, await asTech.json())).toEqual(record);
    const ro = await c.call("GET", AGENT_API.provision(MAC), { bearer: await c.adminToken("read-only") });
    expect(ro.status).toBe(403);
  });

  // Fails before the redesign: GET /api/provision/:mac answered anyone with the one-time code.
  test("an unauthenticated look-up by MAC is refused and carries no code", async () => {
    const r = await cloud().request(AGENT_API.provision(MAC));
    const text = await r.text();
    anonymous.push(text);
    expect(r.status).toBe(401);
    expect(text).not.toContain(record.enrollCode);
  });

  test("a rogue's claim for a provisioned MAC waits unapproved and gets nothing", async () => {
    const first = await claim(MAC, rogue, "198.51.100.66");
    anonymous.push(first.text);
    expect(first.status).toBe(202);
    const pending = v.parse(ClaimPending, first.json);
    expect(pending.fingerprint).toBe(keyFingerprint(rogue.publicKey));
    for (let i = 0; i < 3; i++) {
      const again = await claim(MAC, rogue, "198.51.100.66");
      anonymous.push(again.text);
      expect(again.status).toBe(202);
      expect(again.json.claimId).toBe(pending.claimId);
    }
  });

  test("the real appliance's later claim is not blocked; approval needs the fingerprint it shows", async () => {
    const c = cloud();
    const real = generateKeyPair();
    const first = await claim(MAC, real);
    anonymous.push(first.text);
    expect(first.status).toBe(202);
    const list = v.parse(
      ClaimList,
      await (await c.call("GET", `/api/provision-claims?mac=${MAC}&state=pending`, { bearer: tech })).json(),
    );
    expect(list.claims).toHaveLength(2);
    const mine = list.claims.find((x) => x.id === first.json.claimId)!;
    expect(mine).toMatchObject({ sourceAddress: "192.0.2.10", hostname: "fd-01", state: "pending" });
    const rogueClaim = list.claims.find((x) => x.id !== mine.id)!;
    expect(rogueClaim.sourceAddress).toBe("198.51.100.66");

    // The fingerprint on the appliance's console is its own key's: the rogue claim does not match it.
    const console = keyFingerprint(real.publicKey);
    const wrong = await c.call("POST", `/api/provision-claims/${rogueClaim.id}/approve`, {
      bearer: tech,
      body: { fingerprint: console },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("is not this claim's key");
    const otherSite = await c.call("POST", `/api/provision-claims/${mine.id}/approve`, {
      bearer: await c.adminToken("msp-tech", "site-b"),
      body: { fingerprint: console },
    });
    expect(otherSite.status).toBe(403);
    const ok = await c.call("POST", `/api/provision-claims/${mine.id}/approve`, {
      bearer: tech,
      body: { fingerprint: console.toUpperCase().replaceAll("-", " ") },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).state).toBe("approved");

    // The rogue still gets nothing; the real appliance collects its API key with its next claim.
    const rogueAgain = await claim(MAC, rogue, "198.51.100.66");
    anonymous.push(rogueAgain.text);
    expect(rogueAgain.status).toBe(202);
    const done = await claim(MAC, real);
    expect(done.status).toBe(200);
    const enrolled = v.parse(EnrollResponse, done.json);
    expect(enrolled).toMatchObject({ siteId: "site-a", cloudPublicKey: c.deps.keys.publicKey });
    const sync = await c.request(AGENT_API.sync, { headers: { authorization: `Bearer ${enrolled.apiKey}` } });
    expect(sync.status).toBe(200);

    const after = v.parse(
      ClaimList,
      await (await c.call("GET", `/api/provision-claims?mac=${MAC}`, { bearer: tech })).json(),
    );
    expect(Object.fromEntries(after.claims.map((x) => [x.id, x.state]))).toEqual({
      [mine.id]: "enrolled",
      [rogueClaim.id]: "superseded",
    });
  });

  test("afterwards: no claim enrols again, the record is used, nothing anonymous carried a secret", async () => {
    const c = cloud();
    const late = await claim(MAC, rogue, "198.51.100.66");
    anonymous.push(late.text);
    expect(late.status).toBe(409);
    const code = await c.call("POST", AGENT_API.enroll, { body: enrollBody(c, record.enrollCode, rogue) });
    anonymous.push(await code.text());
    expect(code.status).toBe(401);
    expect(anonymous.length).toBeGreaterThan(8);
    for (const text of anonymous) {
      expect(text).not.toContain(record.enrollCode);
      expect(text).not.toContain("mlk_");
    }
  });

  test("every claim and decision is audited", async () => {
    const c = cloud();
    const rows = await c.deps.db
      .select({ action: auditLog.action, actor: auditLog.actor, target: auditLog.target })
      .from(auditLog)
      .where(and(eq(auditLog.siteId, "site-a"), like(auditLog.action, "provision.claim%")));
    const claims = rows.filter((r) => r.action === "provision.claim");
    expect(claims).toHaveLength(2);
    expect(claims.map((r) => r.actor).sort()).toEqual([
      "system:claim from 192.0.2.10",
      "system:claim from 198.51.100.66",
    ]);
    expect(rows.filter((r) => r.action === "provision.claim.approve")).toHaveLength(1);
    const enrolls = await c.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.siteId, "site-a"), eq(auditLog.action, "appliance.enroll")));
    expect(enrolls).toHaveLength(1);
  });

  test("a rejected claim stays refused; a replayed or stale request is refused", async () => {
    const c = cloud();
    const mac = "00:00:00:00:00:11";
    await c.call("POST", AGENT_API.provision(mac), { bearer: tech, body: { siteId: "site-a" } });
    const key = generateKeyPair();
    const body = claimBody(c, mac, key);
    const first = await from(c, "192.0.2.11", "POST", AGENT_API.claim(mac), body);
    expect(first.status).toBe(202);
    const replay = await from(c, "192.0.2.11", "POST", AGENT_API.claim(mac), body);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("a replay");
    const stale = signClaim(
      mac,
      {
        publicKey: key.publicKey,
        hostname: "fd-01",
        agentVersion: "0.1.0",
        at: new Date(c.clock.now().getTime() - 3_600_000).toISOString(),
      },
      key.secretKey,
    );
    expect((await from(c, "192.0.2.11", "POST", AGENT_API.claim(mac), stale)).status).toBe(401);
    const forged = { ...claimBody(c, mac, key), hostname: "evil" };
    const bad = await from(c, "192.0.2.11", "POST", AGENT_API.claim(mac), forged);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("not signed by the identity key it enrols");

    const { claimId } = (await first.json()) as ClaimPending;
    const rej = await c.call("POST", `/api/provision-claims/${claimId}/reject`, { bearer: tech, body: {} });
    expect(rej.status).toBe(200);
    const after = await from(c, "192.0.2.11", "POST", AGENT_API.claim(mac), claimBody(c, mac, key));
    expect(after.status).toBe(403);
    expect(await after.text()).toContain("was rejected");
  });

  test("claims are limited per source address and for all callers together", async () => {
    const c = cloud();
    const limits = c.deps.config.rateLimits;
    const saved = { perAddress: limits.provisioningPerAddress, global: limits.provisioningGlobal };
    limits.provisioningPerAddress = { limit: 3, windowSec: 3600 };
    limits.provisioningGlobal = { limit: 5, windowSec: 3600 };
    try {
      c.clock.advance(3600_000); // a fresh window: earlier tests' requests count no more
      const probe = (address: string, i: number) => {
        const mac = `02:00:00:00:01:${i.toString(16).padStart(2, "0")}`;
        return from(c, address, "POST", AGENT_API.claim(mac), claimBody(c, mac, generateKeyPair()));
      };
      // A sweep over unregistered MACs from one address: 404s, then 429 past the per-address limit.
      const sweep = [];
      for (let i = 0; i < 4; i++) sweep.push((await probe("203.0.113.5", i)).status);
      expect(sweep).toEqual([404, 404, 404, 429]);
      // Other addresses still get through, until all callers together reach the global limit.
      const others = [];
      for (let i = 0; i < 3; i++) others.push((await probe(`203.0.113.${20 + i}`, i)).status);
      expect(others).toEqual([404, 404, 429]);
      const r = await probe("203.0.113.99", 9);
      expect(r.status).toBe(429);
      expect(await r.text()).toContain("enrolment requests (all callers)");
    } finally {
      limits.provisioningPerAddress = saved.perAddress;
      limits.provisioningGlobal = saved.global;
      c.clock.advance(3600_000);
    }
  });

  test("one-time code: signed by the key it enrols, works once, the MAC must match", async () => {
    const c = cloud();
    const mac = "00:00:00:00:00:21";
    const r = await c.call("POST", AGENT_API.provision(mac), { bearer: tech, body: { siteId: "site-a" } });
    const code = ((await r.json()) as ProvisionRecord).enrollCode;
    const key = generateKeyPair();
    const wrongMac = await c.call("POST", AGENT_API.enroll, {
      body: enrollBody(c, code, key, "00:00:00:00:00:02"),
    });
    expect(wrongMac.status).toBe(403);
    const unsigned = { ...enrollBody(c, code, key), signature: "0".repeat(128) };
    expect((await c.call("POST", AGENT_API.enroll, { body: unsigned })).status).toBe(401);
    const ok = await c.call("POST", AGENT_API.enroll, { body: enrollBody(c, code.toLowerCase(), key, mac) });
    expect(ok.status).toBe(200);
    expect(v.parse(EnrollResponse, await ok.json()).siteId).toBe("site-a");
    const again = await c.call("POST", AGENT_API.enroll, { body: enrollBody(c, code, generateKeyPair()) });
    expect(again.status).toBe(401);
  });

  test("a key already registered for an appliance is not enrolled again", async () => {
    const c = cloud();
    const app = await c.createAppliance("site-a");
    const mac = "00:00:00:00:00:31";
    const r = await c.call("POST", AGENT_API.provision(mac), { bearer: tech, body: { siteId: "site-a" } });
    const code = ((await r.json()) as ProvisionRecord).enrollCode;
    const dup = await c.call("POST", AGENT_API.enroll, { body: enrollBody(c, code, app.key) });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain(`already registered for appliance ${app.applianceId}`);
    // The code was not spent by the refused attempt.
    expect(
      (await c.call("POST", AGENT_API.enroll, { body: enrollBody(c, code, generateKeyPair()) })).status,
    ).toBe(200);
  });

  test("DELETE removes a record and its claims; a read-only token may not; a bad MAC is a 400", async () => {
    const c = cloud();
    const mac = "00:00:00:00:00:03";
    await c.call("POST", AGENT_API.provision(mac), { bearer: tech, body: { siteId: "site-a" } });
    await from(c, "192.0.2.12", "POST", AGENT_API.claim(mac), claimBody(c, mac, generateKeyPair()));
    const ro = await c.adminToken("read-only");
    expect((await c.call("DELETE", AGENT_API.provision(mac), { bearer: ro })).status).toBe(403);
    expect((await c.call("DELETE", AGENT_API.provision(mac), { bearer: tech })).status).toBe(200);
    expect((await c.call("GET", AGENT_API.provision(mac), { bearer: tech })).status).toBe(404);
    const list = await c.call("GET", `/api/provision-claims?mac=${mac}`, { bearer: tech });
    expect(v.parse(ClaimList, await list.json()).claims).toEqual([]);
    const bad = await c.call("GET", AGENT_API.provision("not-a-mac"), { bearer: tech });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^mac: /);
  });

  test("an expired registration takes no claims", async () => {
    const c = cloud();
    const mac = "00:00:00:00:00:04";
    await c.call("POST", AGENT_API.provision(mac), { bearer: tech, body: { siteId: "site-a" } });
    c.clock.advance(c.deps.config.provisionTtlSec * 1000 + 1);
    const r = await from(c, "192.0.2.13", "POST", AGENT_API.claim(mac), claimBody(c, mac, generateKeyPair()));
    expect(r.status).toBe(404);
  });
});
