import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { parseJsonl, verifyChain } from "../../../protocol/chain.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { declarePredecessor, handedOverEvent, takenOverEvent } from "../../../protocol/handover.ts";
import { EnrollResponse, type ProvisionRecord, signEnroll } from "../../../protocol/provision.ts";
import { generateKeyPair, type KeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { appliances } from "../db/schema/appliances.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";

/** An appliance's own chain as the agent keeps it: bundles plus the head to continue from. */
interface Chain {
  siteId: string;
  applianceId: string;
  key: KeyPair;
  bundles: EvidenceBundle[];
}

const head = (c: Chain) => {
  const last = c.bundles.at(-1)!;
  return { seq: last.seq, hash: bundleHash(last) };
};

/** Close `from` (a bundle signed by its key naming `to`), open `to` (naming `from`'s closing bundle). */
function handOver(from: Chain, to: Chain) {
  const at = new Date().toISOString();
  const fromSide = { siteId: from.siteId, applianceId: from.applianceId, publicKey: from.key.publicKey };
  const toSide = { siteId: to.siteId, applianceId: to.applianceId, publicKey: to.key.publicKey };
  from.bundles.push(
    buildBundle(
      from,
      head(from),
      { kind: "event", createdAt: at, events: [handedOverEvent(fromSide, toSide, at)] },
      from.key.secretKey,
    ),
  );
  to.bundles.push(
    buildBundle(
      to,
      { seq: 0, hash: "" },
      { kind: "event", createdAt: at, events: [takenOverEvent(fromSide, head(from), toSide, at)] },
      to.key.secretKey,
    ),
  );
}

describeEachDb("chain hand-over at enrolment", (cloud) => {
  let admin: string;
  let n = 0;

  async function register(c: TestCloud, siteId: string): Promise<{ mac: string; code: string }> {
    const mac = `02:00:00:00:02:${(++n).toString(16).padStart(2, "0")}`;
    const r = await c.call("POST", AGENT_API.provision(mac), { bearer: admin, body: { siteId } });
    return { mac, code: ((await r.json()) as ProvisionRecord).enrollCode };
  }

  /** `malachor provision enroll` as the wire sees it: a fresh key, the old chain declared by the old key. */
  async function enrolWithChain(c: TestCloud, code: string, old: Chain | null, key = generateKeyPair()) {
    c.clock.advance(1000);
    const predecessor = old
      ? declarePredecessor(
          { siteId: old.siteId, applianceId: old.applianceId, publicKey: old.key.publicKey, ...seqHash(old) },
          key.publicKey,
          old.key.secretKey,
        )
      : undefined;
    const body = signEnroll(
      {
        enrollCode: code,
        publicKey: key.publicKey,
        hostname: "fd-01",
        agentVersion: "0.1.0",
        at: c.clock.now().toISOString(),
        ...(predecessor ? { predecessor } : {}),
      },
      key.secretKey,
    );
    const r = await c.call("POST", AGENT_API.enroll, { body });
    return { status: r.status, text: await r.text(), key };
  }
  const seqHash = (ch: Chain) => ({ headSeq: head(ch).seq, headHash: head(ch).hash });

  const upload = (c: TestCloud, apiKey: string, bundles: EvidenceBundle[]) =>
    c.app.request(AGENT_API.evidence, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ bundles }),
    });

  async function exported(c: TestCloud, siteId: string) {
    const text = await (
      await c.call("GET", `/api/sites/${siteId}/evidence/export`, { bearer: admin })
    ).text();
    const keys = (await (await c.call("GET", `/api/sites/${siteId}/keys`, { bearer: admin })).json()) as {
      appliances: { publicKey: string }[];
    };
    const items = parseJsonl(text);
    if (!items.ok) throw new Error(items.message);
    return verifyChain(
      items.items,
      keys.appliances.map((k) => k.publicKey),
    );
  }

  test("offline evidence (an identity the cloud never saw) is handed over, uploaded and verifiable", async () => {
    const c = cloud();
    await c.createSite("site-h");
    await c.createSite("site-other");
    admin = await c.adminToken("msp-admin");
    const offline: Chain = {
      siteId: "site-h",
      applianceId: "app-handwritten",
      key: generateKeyPair(),
      bundles: [],
    };
    offline.bundles = sampleChain(21, offline).bundles;

    // Enrolling into another site would file the evidence there: refused, and the code stays unused.
    const elsewhere = await register(c, "site-other");
    const refused = await enrolWithChain(c, elsewhere.code, offline);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("holds evidence of site site-h (appliance app-handwritten, up to #21)");

    const { code } = await register(c, "site-h");
    const r = await enrolWithChain(c, code, offline);
    expect(r.status).toBe(200);
    const enrolled = v.parse(EnrollResponse, JSON.parse(r.text));
    const successor: Chain = { siteId: "site-h", applianceId: enrolled.applianceId, key: r.key, bundles: [] };
    handOver(offline, successor);

    const [pred] = await c.deps.db.select().from(appliances).where(eq(appliances.id, "app-handwritten"));
    expect(pred).toMatchObject({ siteId: "site-h", publicKey: offline.key.publicKey });
    expect(pred!.deletedAt).not.toBeNull();

    // The old chain goes first, in its own batches, then the new one.
    for (const part of [offline.bundles.slice(0, 10), offline.bundles.slice(10), successor.bundles]) {
      const up = await upload(c, enrolled.apiKey, part);
      expect(up.status).toBe(200);
    }
    const verdict = await exported(c, "site-h");
    expect(verdict).toMatchObject({
      ok: true,
      heads: { "app-handwritten": { seq: 22 }, [enrolled.applianceId]: { seq: 1 } },
    });
  });

  test("a deleted appliance's unsent evidence is handed over to its re-enrolled successor", async () => {
    const c = cloud();
    const app = await c.createAppliance("site-h");
    const old: Chain = { siteId: "site-h", applianceId: app.applianceId, key: app.key, bundles: [] };
    old.bundles = sampleChain(5, old).bundles;
    expect((await upload(c, app.apiKey, old.bundles.slice(0, 3))).status).toBe(200);
    expect((await c.call("DELETE", `/api/appliances/${app.applianceId}`, { bearer: admin })).status).toBe(
      200,
    );
    expect((await upload(c, app.apiKey, old.bundles.slice(3))).status).toBe(401);

    // A declaration signed for another key is refused; so is a key the deleted appliance never had.
    const { code } = await register(c, "site-h");
    const otherKey = generateKeyPair();
    const forged = signEnroll(
      {
        enrollCode: code,
        publicKey: otherKey.publicKey,
        hostname: "x",
        agentVersion: "0.1.0",
        at: c.clock.now().toISOString(),
        predecessor: declarePredecessor(
          { siteId: "site-h", applianceId: app.applianceId, publicKey: app.key.publicKey, ...seqHash(old) },
          generateKeyPair().publicKey,
          app.key.secretKey,
        ),
      },
      otherKey.secretKey,
    );
    expect((await c.call("POST", AGENT_API.enroll, { body: forged })).status).toBe(401);
    const impostor: Chain = { ...old, key: generateKeyPair() };
    const notItsKey = await enrolWithChain(c, code, impostor);
    expect(notItsKey.status).toBe(409);
    expect(notItsKey.text).toContain(`never registered key`);

    const r = await enrolWithChain(c, code, old);
    expect(r.status).toBe(200);
    const enrolled = v.parse(EnrollResponse, JSON.parse(r.text));
    const successor: Chain = { siteId: "site-h", applianceId: enrolled.applianceId, key: r.key, bundles: [] };
    handOver(old, successor);

    // Another appliance of the site cannot upload the handed-over chain.
    const bystander = await c.createAppliance("site-h");
    const stranger = await upload(c, bystander.apiKey, old.bundles.slice(3));
    expect(stranger.status).toBe(403);
    // The successor can: the cloud already holds #1–#3 (resent: already stored), then #4–#6.
    const up = await upload(c, enrolled.apiKey, old.bundles);
    expect(up.status).toBe(200);
    const res = (await up.json()) as { headSeq: number; results: { status: string }[] };
    expect(res.headSeq).toBe(6);
    expect(res.results.map((x) => x.status)).toEqual([
      "already-stored",
      "already-stored",
      "already-stored",
      "stored",
      "stored",
      "stored",
    ]);
    expect((await upload(c, enrolled.apiKey, successor.bundles)).status).toBe(200);
    const verdict = await exported(c, "site-h");
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.heads[app.applianceId]).toMatchObject({ seq: 6 });
      expect(verdict.heads[enrolled.applianceId]).toMatchObject({ seq: 1 });
    }
  });

  test("re-enrolling a live appliance retires it; a chain handed over twice reaches the newest successor", async () => {
    const c = cloud();
    const app = await c.createAppliance("site-h");
    const first: Chain = { siteId: "site-h", applianceId: app.applianceId, key: app.key, bundles: [] };
    first.bundles = sampleChain(2, first).bundles;
    const a = await enrolWithChain(c, (await register(c, "site-h")).code, first);
    expect(a.status).toBe(200);
    const second: Chain = {
      siteId: "site-h",
      applianceId: v.parse(EnrollResponse, JSON.parse(a.text)).applianceId,
      key: a.key,
      bundles: [],
    };
    handOver(first, second);
    // The first identity's API key no longer works.
    expect((await upload(c, app.apiKey, first.bundles)).status).toBe(401);
    const b = await enrolWithChain(c, (await register(c, "site-h")).code, second);
    expect(b.status).toBe(200);
    const third = v.parse(EnrollResponse, JSON.parse(b.text));
    handOver(second, { siteId: "site-h", applianceId: third.applianceId, key: b.key, bundles: [] });
    // Nothing of the first two chains reached the cloud yet: the newest identity uploads both.
    expect((await upload(c, third.apiKey, first.bundles)).status).toBe(200);
    expect((await upload(c, third.apiKey, second.bundles)).status).toBe(200);
  });

  test("the enrolling key must be fresh", async () => {
    const c = cloud();
    const old: Chain = { siteId: "site-h", applianceId: "app-samekey", key: generateKeyPair(), bundles: [] };
    old.bundles = sampleChain(1, old).bundles;
    const r = await enrolWithChain(c, (await register(c, "site-h")).code, old, old.key);
    expect(r.status).toBe(409);
    expect(r.text).toContain("enrol with a fresh identity key");
  });
});
