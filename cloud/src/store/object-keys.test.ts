import { expect, test } from "bun:test";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { assertSafeKey, evidenceObjectKey, UnsafeKeyError } from "./object-store.ts";

/** Small deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test("an id is valid exactly when a safe object key can be built from it", () => {
  const rand = rng(16);
  const alphabet = "aZ09._-/.\\ ..";
  let valid = 0;
  for (let i = 0; i < 20_000; i++) {
    const len = 1 + Math.floor(rand() * 8);
    let id = "";
    for (let j = 0; j < len; j++) id += alphabet[Math.floor(rand() * alphabet.length)];
    const ok = v.safeParse(Id, id).success;
    if (ok) {
      valid++;
      assertSafeKey(evidenceObjectKey(id, id, 7, new Date("2026-11-25T00:00:00Z")));
    } else {
      expect(() => evidenceObjectKey("site-a", id, 7, new Date())).toThrow(UnsafeKeyError);
      expect(() => evidenceObjectKey(id, "app-1", 7, new Date())).toThrow(UnsafeKeyError);
    }
  }
  // Both sides of the property were exercised.
  expect(valid).toBeGreaterThan(1000);
  expect(valid).toBeLessThan(19_000);
});

describeEachDb("a site-scoped admin and appliance ids", (cloud) => {
  let admin: string;
  test("an msp-admin scoped to site-a", async () => {
    await cloud().createSite("site-a");
    admin = await cloud().adminToken("msp-admin", "site-a");
    expect(admin).toStartWith("mla_");
  });

  test.each([["a..b"], [".."], ["x."], ["a/b"], ["-x"], ["a".repeat(65)]])(
    "id %j is refused with 400 naming the field",
    async (id) => {
      const r = await cloud().call("POST", "/api/sites/site-a/appliances", {
        bearer: admin,
        body: { id, name: "sneaky", publicKey: generateKeyPair().publicKey },
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/id: must be 1–64/);
    },
  );

  test("every id it can create names objects the store takes", async () => {
    const c = cloud();
    const key = generateKeyPair();
    const r = await c.call("POST", "/api/sites/site-a/appliances", {
      bearer: admin,
      body: { id: "front.desk-2_A", name: "dotted", publicKey: key.publicKey },
    });
    expect(r.status).toBe(201);
    const { apiKey } = (await r.json()) as { apiKey: string };
    const bundles = sampleChain(2, { key, siteId: "site-a", applianceId: "front.desk-2_A" }).bundles;
    const up = await c.request(AGENT_API.evidence, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ bundles }),
    });
    expect(up.status).toBe(200);
    expect(await drainOutbox(c.deps)).toMatchObject({ written: 2, failed: 0 });
  });
});
