import { expect, test } from "bun:test";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { assertSafeKey, evidenceObjectKey, UnsafeKeyError } from "./object-store.ts";

/** Every string of length 1–4 over characters that matter to paths and keys (7,380 of them). */
function* candidateIds(): Generator<string> {
  const alphabet = ["a", "Z", "0", ".", "-", "_", "/", "\\", " "];
  let level = [""];
  for (let len = 1; len <= 4; len++) {
    level = level.flatMap((p) => alphabet.map((ch) => p + ch));
    yield* level;
  }
}

test("an id is valid exactly when a safe object key can be built from it", () => {
  let valid = 0;
  let all = 0;
  for (const id of candidateIds()) {
    all++;
    if (v.safeParse(Id, id).success) {
      valid++;
      assertSafeKey(evidenceObjectKey(id, id, 7, new Date("2026-11-25T00:00:00Z")));
    } else {
      expect(() => evidenceObjectKey("site-a", id, 7, new Date())).toThrow(UnsafeKeyError);
      expect(() => evidenceObjectKey(id, "app-1", 7, new Date())).toThrow(UnsafeKeyError);
    }
  }
  // Both sides of the property were exercised.
  expect(all).toBe(7380);
  expect(valid).toBeGreaterThan(500);
  expect(valid).toBeLessThan(all - 500);
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
