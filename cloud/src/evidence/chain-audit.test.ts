import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { ChainBreak, ChainStarts } from "../../../protocol/chain.ts";
import { GENESIS_HASH } from "../../../protocol/evidence.ts";
import { describeEachDb } from "../testing/each-db.ts";
import {
  exportVerdict,
  extendChain,
  insertStoredRow,
  STORED_DAMAGE,
  siteWithIngested,
} from "../testing/stored-chains.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { uploadAs } from "../web/testing/seed.ts";
import { auditSiteChain } from "./chain-audit.ts";
import { ensureEvidencePartitions } from "./partitions.ts";

const audit = (c: TestCloud, siteId: string, signatures: "heads" | "all", pageSize?: number) =>
  auditSiteChain({ ctx: c.systemCtx(), input: { siteId, signatures }, pageSize });

/**
 * Every audit (signatures "heads" and "all", pages of the default size, 1, 2 and 3) names the break
 * the CLI named, counting the bundles before it.
 */
async function expectAuditsBreakAs(c: TestCloud, siteId: string, cli: ChainBreak) {
  const { ok: _ok, ...brk } = cli;
  for (const signatures of ["heads", "all"] as const) {
    for (const pageSize of [undefined, 1, 2, 3]) {
      const r = await audit(c, siteId, signatures, pageSize);
      expect({ signatures, pageSize, r: r.ok ? r : { count: r.count, break: r.break } }).toEqual({
        signatures,
        pageSize,
        r: { count: brk.index, break: brk },
      });
    }
  }
}

describeEachDb("chain audit", (cloud, kind) => {
  let site = 0;
  /** A fresh site with one appliance whose first `stored` bundles came through ingest. */
  async function siteWith(stored: number) {
    const c = cloud();
    const siteId = `audit-${++site}`;
    return { c, siteId, ...(await siteWithIngested(c, siteId, stored)) };
  }

  test("a chain ingest stored: verified, every signature but the heads vouched for at ingest", async () => {
    const c = cloud();
    await c.createSite("big");
    const a = await c.createAppliance("big", "big-a");
    const b = await c.createAppliance("big", "big-b");
    await uploadAs(c, a, a.nextBundles(1300));
    await uploadAs(c, b, b.nextBundles(700));
    const r = await audit(c, "big", "heads");
    const cli = await exportVerdict(c, "big");
    expect(cli.ok).toBe(true);
    expect(r).toMatchObject({ ok: true, count: 2000, heads: (cli as { heads: ChainStarts }).heads });
    expect(r.coverage.signatures).toBe("heads");
    expect(r.coverage.verifiedNow + r.coverage.verifiedAtIngest).toBe(2000);
    // The heads verified: on Postgres the workers read one window per appliance; on PGlite the
    // page of 2,000 is walked in two parts, the first ending mid-way through big-a.
    expect(r.coverage.verifiedNow).toBe(kind === "postgres" ? 2 : 3);
    const all = await audit(c, "big", "all");
    expect(all).toEqual({
      ...r,
      coverage: { signatures: "all", verifiedNow: 2000, verifiedAtIngest: 0 },
    });
    // Small pages: the same verdict across page boundaries.
    expect((await audit(c, "big", "heads", 60)).ok).toBe(true);
  }, 60_000);

  test.each(STORED_DAMAGE)(
    "%s: the break `malachor evidence verify` names, with any page size",
    async (_n, make) => {
      const c = cloud();
      const siteId = `damaged-${++site}`;
      await make(c, siteId);
      const cli = await exportVerdict(c, siteId);
      expect(cli.ok).toBe(false);
      await expectAuditsBreakAs(c, siteId, cli as ChainBreak);
    },
    30_000,
  );

  test("after a month past the retention is dropped: verified from the floor at any page size, and a floor that does not match is named", async () => {
    const c = cloud();
    const siteId = `retained-${++site}`;
    await c.createSite(siteId);
    const a = await c.createAppliance(siteId, `${siteId}-app`);
    await ensureEvidencePartitions(
      c.deps.db,
      new Date("2016-01-01T00:00:00Z"),
      new Date("2016-02-28T00:00:00Z"),
    );
    const chain = extendChain(a, { seq: 0, hash: GENESIS_HASH }, 12);
    for (const b of chain) {
      const at = b.seq <= 5 ? "2016-01-10T00:00:00Z" : b.seq <= 8 ? "2016-02-10T00:00:00Z" : undefined;
      await insertStoredRow(c.deps.db, siteId, b, undefined, at ? new Date(at) : undefined);
    }
    await c.withOwnerDb((db) =>
      db.execute(sql`SELECT * FROM malachor_evidence_partition_drop('2016-01-01', '1 day')`),
    );
    const cli = await exportVerdict(c, siteId);
    expect(cli).toMatchObject({ ok: true, count: 7, floors: [{ applianceId: a.applianceId, seq: 6 }] });
    const { heads, floors } = cli as Extract<typeof cli, { ok: true }>;
    for (const signatures of ["heads", "all"] as const) {
      for (const pageSize of [undefined, 1, 2, 3]) {
        const r = await audit(c, siteId, signatures, pageSize);
        expect({
          signatures,
          pageSize,
          r: { ok: r.ok, count: r.count, heads: r.ok && r.heads, floors: r.ok && r.floors },
        }).toEqual({
          signatures,
          pageSize,
          r: { ok: true, count: 7, heads, floors },
        });
      }
    }
    // A floor written by hand at #9 naming a hash #9 does not link to, and February dropped by hand.
    await c.withOwnerDb(async (db) => {
      await db.execute(
        sql`INSERT INTO evidence_retention_floors (appliance_id, first_seq, site_id, prev_hash, dropped_month, dropped_at)
            VALUES (${a.applianceId}, 9, ${siteId}, ${"0".repeat(64)}, '2016-02-01', now())`,
      );
      await db.execute(sql`ALTER TABLE evidence_chain DETACH PARTITION evidence_chain_y2016m02`);
      await db.execute(sql`DROP TABLE evidence_chain_y2016m02`);
    });
    const broken = await exportVerdict(c, siteId);
    const today = new Date().toISOString().slice(0, 10);
    expect(broken).toEqual({
      ok: false,
      index: 0,
      kind: "broken-link",
      applianceId: a.applianceId,
      seq: 9,
      message: `bundle ${a.applianceId}#9 (index 0) does not link to the bundle before it (prevHash mismatch) (the chain starts at #9: bundles #1–#8 dropped past the retention on ${today})`,
    });
    await expectAuditsBreakAs(c, siteId, broken as ChainBreak);
  }, 60_000);

  test("a stored text that is not JSON is a malformed bundle at its place", async () => {
    const { c, siteId, a } = await siteWith(2);
    await insertStoredRow(c.deps.db, siteId, '{"applianceId": oops', { applianceId: a.applianceId, seq: 3 });
    const r = await audit(c, siteId, "heads");
    expect(r).toMatchObject({ ok: false, count: 2, break: { index: 2, kind: "malformed" } });
    expect(!r.ok && r.break.message).toMatch(
      /^bundle at index 2 is malformed: its stored text is not one line of JSON/,
    );
  });

  test("with bundles no record vouches for, the audit verifies their signatures itself", async () => {
    const { c, siteId, a, head } = await siteWith(3);
    for (const b of extendChain(a, head, 4)) await insertStoredRow(c.deps.db, siteId, b);
    const r = await audit(c, siteId, "heads");
    expect(r).toMatchObject({ ok: true, count: 7 });
    // #4–#7 arrived around ingest; #3 is the last bundle the record vouches for but is re-verified
    // only if it ends a walk: here #7 does.
    expect(r.coverage).toEqual({ signatures: "heads", verifiedNow: 4, verifiedAtIngest: 3 });
  });
});
