import { expect, test } from "bun:test";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { generateSealKeyPair, openSecret } from "../../../protocol/seal.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { SyncResponse } from "../../../protocol/sync.ts";
import { announceSealKey, type TargetSecret } from "../../../protocol/targets.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { cloudHaystacks } from "../testing/haystacks.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";

const PASSWORD = "Plain-Text-Canary-7c41";
const spec = {
  kind: "windows",
  host: "CLINIC-FS01",
  transport: "http-ntlm",
  username: "svc-malachor",
  domain: "CLINIC",
};

async function checkinWithKey(
  cloud: TestCloud,
  a: TestAppliance,
  publicKey: string,
  signer = a.key.secretKey,
) {
  return cloud.call("POST", AGENT_API.checkin, {
    bearer: a.apiKey,
    body: sampleCheckin({ sealKey: announceSealKey(publicKey, signer) }),
  });
}

async function sync(cloud: TestCloud, a: TestAppliance) {
  const r = await cloud.call("GET", AGENT_API.sync, { bearer: a.apiKey });
  expect(r.status).toBe(200);
  return v.parse(SyncResponse, await r.json());
}

describeEachDb("targets and sealed credentials", (cloud) => {
  test("entered through the API, delivered sealed at sync, rotated everywhere; no plaintext stored or logged", async () => {
    const c = cloud();
    await c.createSite("clinic-t");
    const a = await c.createAppliance("clinic-t", "app-t1");
    const tech = await c.adminToken("msp-tech");
    const secret: TargetSecret = { kind: "password", password: PASSWORD };

    // No appliance key yet: refused, nothing could open it.
    const early = await c.call("POST", "/api/sites/clinic-t/targets", {
      bearer: tech,
      body: { spec, secret },
    });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("sealing key");

    // A key not signed by the appliance's identity is refused.
    const kp = await generateSealKeyPair();
    const forged = await checkinWithKey(
      c,
      a,
      kp.publicKey,
      (await generateSealKeyPair()).secretKey.padEnd(64, "0"),
    );
    expect(forged.status).toBe(400);
    const ok = await checkinWithKey(c, a, kp.publicKey);
    expect(ok.status).toBe(200);
    const before = ((await ok.json()) as { targetsVersion: number }).targetsVersion;
    expect(before).toBe(0);

    const created = await c.call("POST", "/api/sites/clinic-t/targets", {
      bearer: tech,
      body: { spec, secret },
    });
    expect(created.status).toBe(201);
    const view = (await created.json()) as { id: string; sealedFor: string[]; missingFor: string[] };
    expect(view.sealedFor).toEqual(["app-t1"]);
    expect(view.missingFor).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(PASSWORD);

    const dup = await c.call("POST", "/api/sites/clinic-t/targets", { bearer: tech, body: { spec, secret } });
    expect(dup.status).toBe(409);

    const after = await checkinWithKey(c, a, kp.publicKey);
    expect(((await after.json()) as { targetsVersion: number }).targetsVersion).toBe(1);

    const s = await sync(c, a);
    expect(verifyEnvelope(s.targets!, c.deps.keys.publicKey)).toEqual({ ok: true });
    const [t] = s.targets!.payload.targets;
    expect(t!.spec).toEqual(spec as never);
    const binding = { siteId: "clinic-t", applianceId: "app-t1", targetId: view.id, version: 1 };
    const opened = JSON.parse(
      new TextDecoder().decode(await openSecret(t!.credential, kp.secretKey, kp.publicKey, binding)),
    );
    expect(opened).toEqual(secret);

    // Rotation: a new version everywhere; the old ciphertext no longer opens as the current one.
    const rotated = await c.call("PUT", `/api/sites/clinic-t/targets/${view.id}/credential`, {
      bearer: tech,
      body: { secret: { kind: "password", password: `${PASSWORD}-2` } },
    });
    expect(rotated.status).toBe(200);
    const s2 = await sync(c, a);
    expect(s2.targets!.payload.version).toBe(2);
    const t2 = s2.targets!.payload.targets[0]!;
    expect(t2.credentialVersion).toBe(2);
    await expect(
      openSecret(t!.credential, kp.secretKey, kp.publicKey, { ...binding, version: 2 }),
    ).rejects.toThrow();
    const opened2 = JSON.parse(
      new TextDecoder().decode(
        await openSecret(t2.credential, kp.secretKey, kp.publicKey, { ...binding, version: 2 }),
      ),
    );
    expect(opened2.password).toBe(`${PASSWORD}-2`);

    // The database, the log and the object store hold no plaintext of either credential.
    const haystacks = await cloudHaystacks(c);
    for (const h of Object.values(haystacks)) expect(h).not.toContain(PASSWORD);
    expect(haystacks["cloud database"]).toContain("hpke-x25519-hkdfsha256-aes256gcm");
  });

  test("roles and site scope: read-only lists, cannot enter; another site's token sees nothing", async () => {
    const c = cloud();
    await c.createSite("clinic-u");
    await c.createSite("clinic-v");
    const ro = await c.adminToken("read-only");
    const other = await c.adminToken("msp-tech", "clinic-v");
    const body = { spec, secret: { kind: "password", password: "x" } };
    expect((await c.call("POST", "/api/sites/clinic-u/targets", { bearer: ro, body })).status).toBe(403);
    expect((await c.call("POST", "/api/sites/clinic-u/targets", { bearer: other, body })).status).toBe(403);
    expect((await c.call("GET", "/api/sites/clinic-u/targets", { bearer: other })).status).toBe(403);
    expect((await c.call("GET", "/api/sites/clinic-u/targets", { bearer: ro })).status).toBe(200);
    const wrongKind = {
      spec,
      secret: { kind: "ssh-key", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx" },
    };
    const tech = await c.adminToken("msp-tech");
    const r = await c.call("POST", "/api/sites/clinic-u/targets", { bearer: tech, body: wrongKind });
    expect(r.status).toBe(400);
  });

  test("devices: reported by the appliance, merged, listed per site with the target covering each", async () => {
    const c = cloud();
    await c.createSite("clinic-d");
    const a = await c.createAppliance("clinic-d", "app-d1");
    const at = c.clock.now().toISOString();
    const report = {
      observedAt: at,
      devices: [
        {
          mac: "00:15:5d:01:02:03",
          addresses: ["192.168.10.20"],
          names: [],
          sources: ["neighbour-table"],
          openPorts: [],
          seenAt: at,
        },
        {
          addresses: [],
          names: ["FRONTDESK-01.clinic.local"],
          osGuess: "Windows 11 Pro",
          sources: ["active-directory"],
          openPorts: [],
          seenAt: at,
        },
      ],
    };
    const r = await c.call("POST", AGENT_API.devices, { bearer: a.apiKey, body: report });
    expect(r.status).toBe(200);
    const later = new Date(c.clock.now().getTime() + 60_000).toISOString();
    const again = {
      observedAt: later,
      devices: [
        {
          mac: "00:15:5D:01:02:03",
          addresses: ["192.168.10.20"],
          names: ["clinic-fs01"],
          sources: ["dhcp-lease"],
          openPorts: [],
          seenAt: later,
        },
      ],
    };
    expect((await c.call("POST", AGENT_API.devices, { bearer: a.apiKey, body: again })).status).toBe(200);
    const ro = await c.adminToken("read-only");
    const list = (await (await c.call("GET", "/api/sites/clinic-d/devices", { bearer: ro })).json()) as {
      devices: {
        mac: string | null;
        names: string[];
        sources: string[];
        firstSeenAt: string;
        lastSeenAt: string;
        targetId: string | null;
      }[];
    };
    expect(list.devices).toHaveLength(2);
    const fs = list.devices.find((d) => d.mac === "00:15:5d:01:02:03")!;
    expect(fs.names).toEqual(["clinic-fs01"]);
    expect(fs.sources.sort()).toEqual(["dhcp-lease", "neighbour-table"]);
    expect(fs.firstSeenAt).toBe(at);
    expect(fs.lastSeenAt).toBe(later);
    expect(fs.targetId).toBeNull();
    // A bad report is refused whole.
    const bad = await c.call("POST", AGENT_API.devices, {
      bearer: a.apiKey,
      body: { observedAt: at, devices: [{ ...report.devices[0], mac: "zz" }] },
    });
    expect(bad.status).toBe(400);
  });
});
