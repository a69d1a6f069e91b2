import { expect, test } from "bun:test";
import type { ChainBreak, ChainStarts } from "../../../protocol/chain.ts";
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

const audit = (c: TestCloud, siteId: string, signatures: "heads" | "all", pageSize?: number) =>
  auditSiteChain({ ctx: c.systemCtx(), input: { siteId, signatures }, pageSize });

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
      const { ok: _ok, ...brk } = cli as ChainBreak;
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
    },
    30_000,
  );

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
