import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { canonicalize } from "../../../protocol/canonical.ts";
import {
  buildBundle,
  bundleHash,
  bundleSigningBytes,
  type EvidenceBundle,
} from "../../../protocol/evidence.ts";
import { sha256Hex } from "../../../protocol/hash.ts";
import { EvidenceRefusal, type EvidenceUploadResult } from "../../../protocol/ingest.ts";
import { verify } from "../../../protocol/sign.ts";
import { runMalachor } from "../../../test/support/binary.ts";
import { evidenceAlerts, evidenceChain, evidenceVerified } from "../db/schema/evidence.ts";
import { evidenceObjectText } from "../store/object-store.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { extendChain, insertStoredRow, withTorsionSignature } from "../testing/stored-chains.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";
import { MAX_BACKDATE_MS } from "./ingest.ts";
import { drainOutbox } from "./outbox.ts";
import { verifiedRanges } from "./verified-records.ts";

type Envelope = { error: { code: string; message: string; details?: { result: EvidenceUploadResult } } };

async function upload(a: TestAppliance, bundles: unknown[]) {
  const r = await a.upload(bundles);
  return { status: r.status, body: (await r.json()) as EvidenceUploadResult & Envelope };
}

async function chainCount(c: TestCloud, applianceId: string): Promise<number> {
  const rows = await c.deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(evidenceChain)
    .where(eq(evidenceChain.applianceId, applianceId));
  return Number(rows[0]!.n);
}

describeEachDb("evidence ingest", (cloud) => {
  let a: TestAppliance;
  let b: TestAppliance;
  let first: EvidenceBundle[];

  test("a fresh chain is stored and the head advances", async () => {
    const c = cloud();
    await c.createSite("site-a", "essential");
    await c.createSite("site-b");
    a = await c.createAppliance("site-a", "app-a1");
    b = await c.createAppliance("site-b", "app-b1");
    first = a.nextBundles(5);
    const r = await upload(a, first);
    expect(r.status).toBe(200);
    expect(r.body.headSeq).toBe(5);
    expect(r.body.results.map((x) => x.status)).toEqual(Array(5).fill("stored"));
    expect(await chainCount(c, "app-a1")).toBe(5);
  });

  test("resending stored bundles is idempotent (already-stored), mixed with new ones", async () => {
    const _c = cloud();
    const more = a.nextBundles(2);
    const r = await upload(a, [...first.slice(3), ...more]);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => x.status)).toEqual([
      "already-stored",
      "already-stored",
      "stored",
      "stored",
    ]);
    expect(r.body.headSeq).toBe(7);
  });

  test("the same batch sent twice at once: stored exactly once, both answered 200", async () => {
    const c = cloud();
    const batch = a.nextBundles(3);
    const [r1, r2] = await Promise.all([upload(a, batch), upload(a, batch)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const statuses = [...r1.body.results, ...r2.body.results].map((x) => x.status).sort();
    expect(statuses).toEqual([
      "already-stored",
      "already-stored",
      "already-stored",
      "stored",
      "stored",
      "stored",
    ]);
    expect(await chainCount(c, "app-a1")).toBe(10);
  });

  test("stored bodies are exactly the canonical bytes that were verified", async () => {
    const c = cloud();
    const [row] = await c.deps.db.select().from(evidenceChain).where(eq(evidenceChain.seq, 1)).limit(1);
    expect(await c.deps.bodies.read([row!])).toEqual([canonicalize(first[0])]);
    expect(row!.hash).toBe(bundleHash(first[0]!));
    expect(row!.objectKey).toMatch(/^site-a\/\d{4}\/\d{2}\/app-a1-1\.json$/);
  });

  const refusals: [string, (x: EvidenceBundle[]) => unknown[], number, string, boolean][] = [
    ["sequence gap", (x) => [x[1]], 409, "sequence-gap", true],
    [
      "fork (different bundle at a stored seq)",
      () => [{ ...first[2]!, createdAt: "2026-01-01T00:00:00.000Z" }],
      409,
      "fork",
      true,
    ],
    ["broken link", (x) => [{ ...x[0]!, prevHash: "a".repeat(64) }], 409, "broken-link", true],
    ["bad signature", (x) => [{ ...x[0]!, sig: "0".repeat(128) }], 422, "bad-signature", true],
    ["malformed bundle", () => [{ seq: 8, nonsense: true }], 422, "malformed", false],
  ];
  for (const [name, make, status, code, alerts] of refusals) {
    test(`${name} → ${status} ${code}, nothing stored${alerts ? ", alert recorded" : ""}`, async () => {
      const c = cloud();
      const before = await chainCount(c, "app-a1");
      const probe = a.peekBundles(2);
      const r = await upload(a, make(probe));
      expect(r.status).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.details?.result.results[0]?.status).toBe("rejected");
      expect(v.safeParse(EvidenceRefusal, r.body).success).toBe(true);
      expect(await chainCount(c, "app-a1")).toBe(before);
      const found = await c.deps.db.select().from(evidenceAlerts).where(eq(evidenceAlerts.kind, code));
      expect(found.length > 0).toBe(alerts);
    });
  }

  test("the good prefix of a batch is stored; the rest is refused with the reason", async () => {
    const _c = cloud();
    const next = a.nextBundles(3);
    const r = await upload(a, [next[0], { ...next[1]!, sig: "1".repeat(128) }, next[2]]);
    expect(r.status).toBe(422);
    expect(r.body.error.details?.result.results.map((x) => x.status)).toEqual([
      "stored",
      "rejected",
      "rejected",
    ]);
    expect(r.body.error.details?.result.headSeq).toBe(11);
    expect(r.body.error.details?.result.results[2]?.reason).toMatch(/not processed/);
  });

  test("a bundle for another appliance is refused (403) even when well signed", async () => {
    const _c = cloud();
    const r = await upload(b, a.peekBundles(1));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("wrong-appliance");
  });

  test("a future-dated bundle is refused", async () => {
    const c = cloud();
    c.clock.set("2026-11-25T09:00:00.000Z"); // before the sample chain's createdAt
    const r = await upload(b, b.nextBundles(1));
    c.clock.set(new Date());
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("future-dated");
  });

  test.each([
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])],
    ["a byte-order mark", new TextEncoder().encode('\uFEFF{"bundles":[]}')],
    ["not JSON", new TextEncoder().encode("{bundles:")],
    ["an empty batch", new TextEncoder().encode('{"bundles":[]}')],
  ])("a body with %s is a 400", async (_n, body) => {
    const r = await cloud().request(AGENT_API.evidence, { method: "POST", headers: a.headers, body });
    expect(r.status).toBe(400);
  });

  test("objects reach the store via the outbox with the same bytes", async () => {
    const c = cloud();
    const rep = await drainOutbox(c.deps);
    expect(rep.failed).toBe(0);
    expect(rep.written).toBeGreaterThanOrEqual(8);
    const rows = await c.deps.db.select().from(evidenceChain).where(eq(evidenceChain.applianceId, "app-a1"));
    for (const row of rows) {
      expect(sha256Hex(evidenceObjectText(row.objectKey, (await c.deps.store.get(row.objectKey))!))).toBe(
        row.hash,
      );
    }
  });

  test("a small-order-R signature is refused mid-chain (node:crypto's verdict), with the bundles after it", async () => {
    const c = cloud();
    const t = await c.createAppliance("site-b", "app-torsion");
    const first = t.nextBundles(40);
    expect((await upload(t, first)).status).toBe(200);
    const head = { seq: 40, hash: bundleHash(first[39]!) };
    // Valid under the cofactored equation a batch verifier checks; node:crypto refuses it.
    const more = extendChain(t, head, 40, (b) =>
      b.seq === 60 ? withTorsionSignature(b, t.key.secretKey) : b,
    );
    expect(verify(bundleSigningBytes(more[19]!), more[19]!.sig, t.key.publicKey)).toBe(false);
    const r = await upload(t, more);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("bad-signature");
    expect(r.body.error.details?.result.headSeq).toBe(59);
    expect(r.body.error.details?.result.results[19]).toMatchObject({ seq: 60, status: "rejected" });
    expect(await chainCount(c, "app-torsion")).toBe(59);
    const alerts = await c.deps.db
      .select()
      .from(evidenceAlerts)
      .where(eq(evidenceAlerts.applianceId, "app-torsion"));
    expect(alerts.map((x) => [x.kind, x.seq])).toEqual([["bad-signature", 60]]);
  });

  test("a bundle dated before its predecessor (stored head or same upload) is refused and alerted", async () => {
    const c = cloud();
    const d = await c.createAppliance("site-b", "app-dates");
    const ids = { siteId: "site-b", applianceId: "app-dates" };
    let head = { seq: 0, hash: "" };
    const next = (createdAt: string) => {
      const b = buildBundle(ids, head, { kind: "event", createdAt }, d.key.secretKey);
      head = { seq: b.seq, hash: bundleHash(b) };
      return b;
    };
    const b1 = next("2026-06-01T12:00:00.000Z");
    // Within the skew (an NTP step back) is accepted.
    const b2 = next(new Date(Date.parse("2026-06-01T12:00:00.000Z") - MAX_BACKDATE_MS + 1000).toISOString());
    expect((await upload(d, [b1, b2])).status).toBe(200);
    const saved = head;
    // After the stored head: 2020 follows 2026.
    const old = next("2020-01-01T00:00:00.000Z");
    const r = await upload(d, [old]);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("backdated");
    expect(r.body.error.message).toMatch(/before that of bundle #2/);
    // Within one upload: the previous bundle of the same upload is the predecessor.
    head = saved;
    const b3 = next("2026-07-01T00:00:00.000Z");
    const b4 = next("2026-06-15T00:00:00.000Z");
    const r2 = await upload(d, [b3, b4]);
    expect(r2.status).toBe(422);
    expect(r2.body.error.details?.result.results.map((x) => x.status)).toEqual(["stored", "rejected"]);
    expect(r2.body.error.code).toBe("backdated");
    const alerts = await c.deps.db
      .select()
      .from(evidenceAlerts)
      .where(eq(evidenceAlerts.applianceId, "app-dates"));
    expect(alerts.map((x) => [x.kind, x.seq])).toEqual([
      ["backdated", 3],
      ["backdated", 4],
    ]);
    expect(await chainCount(c, "app-dates")).toBe(3);
  });

  test("each storing upload leaves a cloud-signed record of the signatures it verified", async () => {
    const c = cloud();
    const x = await c.createAppliance("site-b", "app-records");
    await upload(x, x.nextBundles(3));
    const second = x.nextBundles(2);
    await upload(x, second);
    const head5 = { seq: 5, hash: bundleHash(second[1]!) };
    expect((await verifiedRanges(c.deps.db, "site-b", c.deps.keys))["app-records"]).toEqual({
      fromSeq: 1,
      throughSeq: 5,
      throughHash: head5.hash,
    });
    // Bundles that reached the chain around ingest break the range: the next record starts after them.
    const around = extendChain(x, head5, 2);
    for (const b of around) await insertStoredRow(c.deps.db, "site-b", b);
    const head7 = { seq: 7, hash: bundleHash(around[1]!) };
    await c.deps.db.execute(
      sql`UPDATE appliances SET chain_seq = ${head7.seq}, chain_head = ${head7.hash} WHERE id = 'app-records'`,
    );
    const after = extendChain(x, head7, 2);
    expect((await upload(x, after)).status).toBe(200);
    expect((await verifiedRanges(c.deps.db, "site-b", c.deps.keys))["app-records"]).toEqual({
      fromSeq: 8,
      throughSeq: 9,
      throughHash: bundleHash(after[1]!),
    });
    const rows = await c.deps.db
      .select()
      .from(evidenceVerified)
      .where(eq(evidenceVerified.applianceId, "app-records"));
    expect(rows.map((r) => [Number(r.fromSeq), Number(r.throughSeq)]).sort((p, q) => p[1]! - q[1]!)).toEqual([
      [1, 3],
      [1, 5],
      [8, 9],
    ]);
  });

  test("verify endpoint: ok with heads; export passes `malachor evidence verify`", async () => {
    const c = cloud();
    const admin = await c.adminToken("read-only", "site-a");
    const v = (await (
      await c.call("GET", "/api/sites/site-a/evidence/verify", { bearer: admin })
    ).json()) as {
      ok: boolean;
      count: number;
      heads: Record<string, { seq: number }>;
    };
    expect(v).toMatchObject({ ok: true, count: 11 });
    expect(v.heads["app-a1"]?.seq).toBe(11);
    const jsonl = await (await c.call("GET", "/api/sites/site-a/evidence/export", { bearer: admin })).text();
    expect(jsonl.trim().split("\n")).toHaveLength(11);
    const keys = await (await c.call("GET", "/api/sites/site-a/keys?format=text", { bearer: admin })).text();
    writeFileSync(join(c.dataDir, "chain.jsonl"), jsonl);
    writeFileSync(join(c.dataDir, "keys.txt"), keys);
    const ok = runMalachor([
      "evidence",
      "verify",
      join(c.dataDir, "chain.jsonl"),
      "--pubkey",
      join(c.dataDir, "keys.txt"),
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("OK: 11 bundles verified");
  });

  test("verify endpoint names the first break of a tampered chain (row inserted behind the API)", async () => {
    const c = cloud();
    const x = await c.createAppliance("site-b", "app-b2");
    const good = x.nextBundles(3);
    expect((await upload(x, good.slice(0, 2))).status).toBe(200);
    // An attacker with DB access appends a bundle signed by someone else (insert is all WORM allows).
    const forged = { ...good[2]!, sig: "2".repeat(128) };
    await c.deps.db.insert(evidenceChain).values({
      applianceId: "app-b2",
      seq: 3,
      siteId: "site-b",
      hash: bundleHash(forged),
      prevHash: forged.prevHash,
      keyId: forged.keyId,
      kind: forged.kind,
      createdAt: new Date(forged.createdAt),
      receivedAt: new Date(),
      objectKey: "x",
      body: canonicalize(forged),
    });
    const admin = await c.adminToken("msp-admin");
    const v = (await (
      await c.call("GET", "/api/sites/site-b/evidence/verify", { bearer: admin })
    ).json()) as {
      ok: boolean;
      break: { kind: string; seq: number; applianceId: string };
    };
    expect(v.ok).toBe(false);
    expect(v.break).toMatchObject({ kind: "bad-signature", seq: 3, applianceId: "app-b2" });
  });
});
