import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { AGENT_API } from "../../../protocol/api.ts";
import { rekeyMessage } from "../../../protocol/provision.ts";
import { generateKeyPair, type KeyPair, keyIdOf, sign } from "../../../protocol/sign.ts";
import { applianceKeys, appliances } from "../db/schema/appliances.ts";
import { auditLog } from "../db/schema/audit.ts";
import { describeEachDb } from "../testing/each-db.ts";

function body(applianceId: string, oldKey: KeyPair, next: KeyPair, signer = oldKey) {
  const m = rekeyMessage(applianceId, next.publicKey);
  return {
    publicKey: next.publicKey,
    oldKeySignature: sign(m, signer.secretKey),
    newKeySignature: sign(m, next.secretKey),
  };
}

describeEachDb("POST /agent/rekey", (cloud) => {
  test("registers the new key, keeps the old one for old evidence, audits, and accepts a repeat", async () => {
    const c = cloud();
    await c.createSite("site-rk");
    const a = await c.createAppliance("site-rk");
    const next = generateKeyPair();
    const req = body(a.applianceId, a.key, next);
    const r = await c.call("POST", AGENT_API.rekey, { bearer: a.apiKey, body: req });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ applianceId: a.applianceId, keyId: keyIdOf(next.publicKey) });

    const [row] = await c.deps.db.select().from(appliances).where(eq(appliances.id, a.applianceId));
    expect(row!.publicKey).toBe(next.publicKey);
    const keys = await c.deps.db
      .select()
      .from(applianceKeys)
      .where(eq(applianceKeys.applianceId, a.applianceId));
    expect(keys.map((k) => k.publicKey).sort()).toEqual([a.key.publicKey, next.publicKey].sort());
    const audit = await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "appliance.rekey"));
    expect(audit.map((x) => x.target)).toEqual([`appliance:${a.applianceId}`]);

    // The appliance stopped before saving its new key and asks again: same answer, no new row.
    const again = await c.call("POST", AGENT_API.rekey, { bearer: a.apiKey, body: req });
    expect(again.status).toBe(200);
    expect(
      (await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "appliance.rekey"))).length,
    ).toBe(1);
  });

  test.each([
    {
      name: "old signature by a stranger's key",
      mutate: "stranger",
      status: 401,
      message: "oldKeySignature does not verify",
    },
    {
      name: "new signature by the wrong key",
      mutate: "newsig",
      status: 401,
      message: "newKeySignature does not verify",
    },
    { name: "no API key", mutate: "noauth", status: 401, message: "missing bearer API key" },
    { name: "malformed body", mutate: "malformed", status: 400, message: "publicKey" },
  ])("refuses: $name", async ({ mutate, status, message }) => {
    const c = cloud();
    const site = `site-${mutate}`;
    await c.createSite(site);
    const a = await c.createAppliance(site);
    const next = generateKeyPair();
    let req: Record<string, unknown> = body(
      a.applianceId,
      a.key,
      next,
      mutate === "stranger" ? generateKeyPair() : a.key,
    );
    if (mutate === "newsig")
      req = { ...req, newKeySignature: sign(rekeyMessage(a.applianceId, next.publicKey), a.key.secretKey) };
    if (mutate === "malformed") req = { ...req, publicKey: "zz" };
    const r = await c.call("POST", AGENT_API.rekey, {
      bearer: mutate === "noauth" ? undefined : a.apiKey,
      body: req,
    });
    expect(r.status).toBe(status);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain(message);
    const [row] = await c.deps.db.select().from(appliances).where(eq(appliances.id, a.applianceId));
    expect(row!.publicKey).toBe(a.key.publicKey);
  });
});
