import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { AGENT_API } from "../../../protocol/api.ts";
import { signChainHead } from "../../../protocol/chain-heads.ts";
import { bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { runMalachor } from "../../../test/support/binary.ts";
import { appliances } from "../db/schema/appliances.ts";
import { chainHeads } from "../db/schema/chain-heads.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";

const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 12, m)).toISOString();

function checkin(
  c: TestCloud,
  a: TestAppliance,
  head: EvidenceBundle,
  minute: number,
  secret = a.key.secretKey,
) {
  const signedHead = signChainHead(
    { siteId: a.siteId, applianceId: a.applianceId, seq: head.seq, hash: bundleHash(head), at: at(minute) },
    secret,
  );
  return c.call("POST", AGENT_API.checkin, {
    bearer: a.apiKey,
    body: sampleCheckin({ chain: { seq: head.seq, head: bundleHash(head) }, signedHead }),
  });
}

function verifyFile(c: TestCloud, name: string, jsonl: string, keys: string) {
  writeFileSync(join(c.dataDir, name), jsonl);
  writeFileSync(join(c.dataDir, "keys.txt"), keys);
  return runMalachor(["evidence", "verify", join(c.dataDir, name), "--pubkey", join(c.dataDir, "keys.txt")]);
}

describeEachDb("signed chain heads: check-in, export, verify", (cloud) => {
  test("the export carries the latest covered head; verify proves it complete and catches a cut", async () => {
    const c = cloud();
    await c.createSite("site-h");
    const a = await c.createAppliance("site-h", "app-h1");
    const bundles = a.nextBundles(5);
    const up = await c.call("POST", AGENT_API.evidence, {
      bearer: a.apiKey,
      body: { bundles: bundles.slice(0, 3) },
    });
    expect(up.status).toBe(200);
    expect((await checkin(c, a, bundles[2]!, 1)).status).toBe(200);
    expect((await checkin(c, a, bundles[2]!, 2)).status).toBe(200); // same sequence: stored once
    // Signed before its bundles 4–5 arrive: the export must not carry it yet.
    expect((await checkin(c, a, bundles[4]!, 3)).status).toBe(200);
    const stored = await c.deps.db.select().from(chainHeads).where(eq(chainHeads.applianceId, "app-h1"));
    expect(stored.map((r) => r.seq).sort()).toEqual([3, 5]);

    const admin = await c.adminToken("read-only", "site-h");
    const keys = await (await c.call("GET", "/api/sites/site-h/keys?format=text", { bearer: admin })).text();
    const exported = async () =>
      (await (await c.call("GET", "/api/sites/site-h/evidence/export", { bearer: admin })).text())
        .trim()
        .split("\n");
    const lines = await exported();
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[3]!).payload).toMatchObject({ applianceId: "app-h1", seq: 3, at: at(1) });
    const ok = verifyFile(c, "full.jsonl", `${lines.join("\n")}\n`, keys);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `complete for appliance app-h1 up to sequence 3, signed by app-h1 at ${at(1)}`,
    );

    // The last bundle dropped, the signed head kept: the verifier names the truncation.
    const cut = verifyFile(c, "cut.jsonl", `${[...lines.slice(0, 2), lines[3]].join("\n")}\n`, keys);
    expect(cut.code).not.toBe(0);
    expect(cut.stderr).toContain(
      `BROKEN (truncated): truncated export: app-h1 signed its chain head at #3 (${at(1)}) but the export holds its bundles only up to #2`,
    );

    // Once the rest is uploaded the export moves on to the head at #5.
    const up2 = await c.call("POST", AGENT_API.evidence, {
      bearer: a.apiKey,
      body: { bundles: bundles.slice(3) },
    });
    expect(up2.status).toBe(200);
    const later = await exported();
    expect(later).toHaveLength(6);
    expect(JSON.parse(later[5]!).payload).toMatchObject({ seq: 5, at: at(3) });
  });

  test("a head signed by another key or naming another appliance is refused, and nothing of that check-in is stored", async () => {
    const c = cloud();
    await c.createSite("site-r");
    const a = await c.createAppliance("site-r", "app-r1");
    const [b] = a.nextBundles(1);
    const forged = await checkin(c, a, b!, 1, generateKeyPair().secretKey);
    expect(forged.status).toBe(400);
    expect(JSON.stringify(await forged.json())).toContain("signed chain head refused");
    const other = signChainHead(
      { siteId: "site-r", applianceId: "app-r2", seq: 1, hash: bundleHash(b!), at: at(1) },
      a.key.secretKey,
    );
    const r = await c.call("POST", AGENT_API.checkin, {
      bearer: a.apiKey,
      body: sampleCheckin({ signedHead: other }),
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toContain("not this appliance");
    expect(await c.deps.db.select().from(chainHeads).where(eq(chainHeads.siteId, "site-r"))).toEqual([]);
    // The head is checked before the check-in's one statement runs: it recorded nothing either.
    const [row] = await c.deps.db
      .select({ lastCheckinAt: appliances.lastCheckinAt })
      .from(appliances)
      .where(eq(appliances.id, "app-r1"));
    expect(row).toEqual({ lastCheckinAt: null });
  });
});
