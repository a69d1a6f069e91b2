import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { requirement } from "../../../test/support/requirement.ts";
import { alerts } from "../db/schema/alerts.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";
import { issueCheckpoint } from "../transparency/checkpoints.ts";
import { anchorDueCheckpoints, anchoringAlertKey, upgradePendingOts } from "./anchor.ts";
import { allAttestations, deserializeDetached } from "./ots.ts";
import type { AnchoringSettings } from "./settings.ts";
import { startTestCalendar, type TestCalendar } from "./testing/calendar.ts";
import { startTestTsa, type TestTsa } from "./testing/openssl-tsa.ts";

const haveOpenssl = requirement("openssl", Bun.which("openssl") !== null, "apt-get install openssl");

let tsa: TestTsa;
let cal: TestCalendar;
let settings: AnchoringSettings;
beforeAll(() => {
  if (!haveOpenssl) return;
  tsa = startTestTsa();
  cal = startTestCalendar();
  settings = {
    tsaUrl: tsa.url,
    tsaCaPem: tsa.caPem,
    calendars: [cal.url],
    periodMin: { enterprise: 60 },
    upgradeEveryMin: 60,
  };
});
afterAll(async () => {
  await tsa?.stop();
  await cal?.stop();
});

async function upload(a: TestAppliance, n: number): Promise<void> {
  const r = await a.upload(a.nextBundles(n));
  expect(r.status).toBe(200);
}

async function openAlert(c: TestCloud, key: string) {
  const [row] = await c.deps.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.dedupKey, key), isNull(alerts.resolvedAt)));
  return row ?? null;
}

if (haveOpenssl)
  describeEachDb("checkpoint anchoring", (cloud) => {
    test("due checkpoints of anchored tiers get a checked TSA token and a pending .ots; downloads verify", async () => {
      const c = cloud();
      await c.createSite("anc-e", "enterprise");
      await c.createSite("anc-s", "essential");
      const e = await c.createAppliance("anc-e", "anc-e1");
      const s = await c.createAppliance("anc-s", "anc-s1");
      await upload(e, 3);
      await upload(s, 2);
      const cp = await issueCheckpoint(c.deps.db, c.deps, "anc-e");
      await issueCheckpoint(c.deps.db, c.deps, "anc-s");

      const pass = await anchorDueCheckpoints(c.deps, settings);
      expect(pass).toEqual({ anchored: 2, failures: [] }); // one per source, the essential site not at all
      expect(await anchorDueCheckpoints(c.deps, settings)).toEqual({ anchored: 0, failures: [] });

      const reader = await c.adminToken("read-only", "anc-e");
      const list = await c.call("GET", "/api/sites/anc-e/tlog/anchors", { bearer: reader });
      expect(list.status).toBe(200);
      const anchors = (await list.json()) as {
        id: number;
        kind: string;
        treeSize: number;
        download: string;
      }[];
      expect(anchors.map((x) => [x.kind, x.treeSize]).sort()).toEqual([
        ["ots", 3],
        ["rfc3161", 3],
      ]);
      const tst = anchors.find((x) => x.kind === "rfc3161")!;
      const dl = await c.call("GET", tst.download, { bearer: reader });
      expect(dl.headers.get("content-disposition")).toContain(".tst");
      const verdict = tsa.verify(new Uint8Array(await dl.arrayBuffer()), cp.note);
      expect(verdict.output).toContain("Verification: OK");

      const ots = anchors.find((x) => x.kind === "ots")!;
      const file = new Uint8Array(
        await (await c.call("GET", ots.download, { bearer: reader })).arrayBuffer(),
      );
      const t = deserializeDetached(file);
      expect(Buffer.from(t.msg).toString("hex")).toBe(createHash("sha256").update(cp.note).digest("hex"));
      expect(allAttestations(t).map((x) => x.attestation.kind)).toEqual(["pending"]);

      // Another site's reader sees neither the list nor a file; a missing id is 404.
      const other = await c.adminToken("read-only", "anc-s");
      expect((await c.call("GET", tst.download, { bearer: other })).status).toBe(403);
      expect((await c.call("GET", "/api/sites/anc-e/tlog/anchors/999999", { bearer: reader })).status).toBe(
        404,
      );

      // Upgrade: nothing while the calendar has not mined, then a new complete row.
      expect(await upgradePendingOts(c.deps, settings)).toBe(0);
      cal.mine(900_000);
      expect(await upgradePendingOts(c.deps, settings)).toBe(1);
      expect(await upgradePendingOts(c.deps, settings)).toBe(0);
      const after = (await (
        await c.call("GET", "/api/sites/anc-e/tlog/anchors?treeSize=3", { bearer: reader })
      ).json()) as { kind: string; complete: boolean; download: string }[];
      const newest = after.find((x) => x.kind === "ots")!;
      expect(newest.complete).toBe(true);
      const done = deserializeDetached(
        new Uint8Array(await (await c.call("GET", newest.download, { bearer: reader })).arrayBuffer()),
      );
      expect(allAttestations(done).map((x) => x.attestation)).toEqual([{ kind: "bitcoin", height: 900_000 }]);
    });

    test("a site is anchored again only once its tier's period has passed", async () => {
      const c = cloud();
      await c.createSite("anc-p", "enterprise");
      const a = await c.createAppliance("anc-p", "anc-p1");
      await upload(a, 1);
      await issueCheckpoint(c.deps.db, c.deps, "anc-p");
      expect((await anchorDueCheckpoints(c.deps, settings)).anchored).toBe(2);
      await upload(a, 1);
      await issueCheckpoint(c.deps.db, c.deps, "anc-p");
      c.clock.advance(59 * 60_000);
      expect((await anchorDueCheckpoints(c.deps, settings)).anchored).toBe(0);
      c.clock.advance(60_000);
      expect((await anchorDueCheckpoints(c.deps, settings)).anchored).toBe(2);
    });

    test("a TSA that starts failing raises an alert at the next due checkpoint; recovery resolves it", async () => {
      const c = cloud();
      await c.createSite("anc-f", "enterprise");
      const a = await c.createAppliance("anc-f", "anc-f1");
      await upload(a, 1);
      await issueCheckpoint(c.deps.db, c.deps, "anc-f");
      expect((await anchorDueCheckpoints(c.deps, settings)).failures).toEqual([]);
      expect(await openAlert(c, anchoringAlertKey("rfc3161"))).toBeNull();

      tsa.failing = true;
      try {
        await upload(a, 1);
        await issueCheckpoint(c.deps.db, c.deps, "anc-f");
        c.clock.advance(60 * 60_000); // one period
        const pass = await anchorDueCheckpoints(c.deps, settings);
        expect(pass.failures).toEqual([
          { kind: "rfc3161", siteId: "anc-f", message: `TSA ${tsa.url}: HTTP 503` },
        ]);
        expect(pass.anchored).toBe(1); // OpenTimestamps still worked
        const alert = await openAlert(c, anchoringAlertKey("rfc3161"));
        expect(alert).toMatchObject({ kind: "anchoring", severity: "error", siteId: null });
        expect(alert!.summary).toContain(tsa.url);
        expect(await openAlert(c, anchoringAlertKey("ots"))).toBeNull();
        // still failing at the next tick: the same alert, counted
        await anchorDueCheckpoints(c.deps, settings);
        expect((await openAlert(c, anchoringAlertKey("rfc3161")))!.id).toBe(alert!.id);
      } finally {
        tsa.failing = false;
      }
      expect(await anchorDueCheckpoints(c.deps, settings)).toEqual({ anchored: 1, failures: [] });
      expect(await openAlert(c, anchoringAlertKey("rfc3161"))).toBeNull();
    });
  });
