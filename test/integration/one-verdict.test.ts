/**
 * One evidence verdict everywhere: `malachor evidence verify` (the compiled CLI, the verdict of
 * record) and the cloud's ingest, audit endpoint, dashboard, portal and MCP tool agree on the same
 * chain, including one carrying a signature only the appliance's key holder could make that a
 * cofactored (batch) Ed25519 check accepts and node:crypto refuses.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../cloud/src/db/rows.ts";
import { ensureEvidencePartitions } from "../../cloud/src/evidence/partitions.ts";
import { MCP_PATH } from "../../cloud/src/mcp/route.ts";
import { describeEachDb } from "../../cloud/src/testing/each-db.ts";
import {
  extendChain,
  headOf,
  insertStoredRow,
  STORED_DAMAGE,
  withTorsionSignature,
} from "../../cloud/src/testing/stored-chains.ts";
import type { TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { addPortalUser, signInPortal, WebClient } from "../../cloud/src/web/testing/client.ts";
import type { ChainResult } from "../../protocol/chain.ts";
import { GENESIS_HASH } from "../../protocol/evidence.ts";
import { type RetentionFloor, verifiedFrom } from "../../protocol/retention-floor.ts";
import { runMalachor } from "../support/binary.ts";

type Break = { index: number; kind: string; applianceId?: string; seq?: number; message: string };

/** The CLI's verdict on the site's export (plus `extra` bundles after it), with the site's published keys. */
async function cliVerdict(
  c: TestCloud,
  siteId: string,
  bearer: string,
  extra: unknown[] = [],
): Promise<ChainResult> {
  const exported = await (await c.call("GET", `/api/sites/${siteId}/evidence/export`, { bearer })).text();
  const jsonl = exported + extra.map((b) => `${JSON.stringify(b)}\n`).join("");
  const keys = await (await c.call("GET", `/api/sites/${siteId}/keys?format=text`, { bearer })).text();
  const chain = join(c.dataDir, `${siteId}.jsonl`);
  const keyFile = join(c.dataDir, `${siteId}-keys.txt`);
  writeFileSync(chain, jsonl);
  writeFileSync(keyFile, keys);
  const r = runMalachor(["evidence", "verify", chain, "--pubkey", keyFile, "--json"]);
  expect(r.stderr).toBe("");
  const verdict = JSON.parse(r.stdout) as ChainResult;
  expect(r.code).toBe(verdict.ok ? 0 : 1);
  return verdict;
}

/** The audit endpoint's answer (`signatures` as given). */
async function apiVerdict(c: TestCloud, siteId: string, bearer: string, signatures = "heads") {
  const r = await c.call("GET", `/api/sites/${siteId}/evidence/verify?signatures=${signatures}`, { bearer });
  expect(r.status).toBe(200);
  return (await r.json()) as { ok: boolean; count: number; heads?: unknown; break?: Break };
}

/** The break an evidence page shows (the notice's data attributes and text). */
function pageBreak(html: string): Break {
  const m =
    /<span data-testid="break" data-index="(\d+)" data-kind="([^"]+)" data-appliance="([^"]+)" data-seq="(\d+)">([^<]*)<\/span>/.exec(
      html,
    );
  if (!m) throw new Error(`no break on the page: ${html.slice(0, 300)}`);
  return { index: Number(m[1]), kind: m[2]!, applianceId: m[3]!, seq: Number(m[4]), message: m[5]! };
}

describeEachDb("one verdict: CLI, ingest, audit endpoint, dashboard, portal, MCP", (cloud) => {
  let server: ReturnType<typeof Bun.serve>;
  let admin: string;
  const clients: Client[] = [];

  async function mcpVerdict(siteId: string, signatures: "heads" | "all", bearer = admin) {
    const client = new Client({ name: "one-verdict", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.port}${MCP_PATH}`), {
        requestInit: { headers: { authorization: `Bearer ${bearer}` } },
      }),
    );
    clients.push(client);
    const r = (await client.callTool({
      name: "verify_chain",
      arguments: { siteId, signatures },
    })) as CallToolResult;
    return r.structuredContent as { ok: boolean; bundles: number; break?: Break };
  }

  beforeAll(async () => {
    const c = cloud();
    admin = await c.adminToken("read-only");
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: c.app.fetch });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop(true);
  });

  test("ingest refuses a small-order-R signature mid-chain, as the CLI does", async () => {
    const c = cloud();
    await c.createSite("site-up");
    const a = await c.createAppliance("site-up", "app-up");
    const first = a.nextBundles(5);
    const up = (bundles: unknown[]) => a.upload(bundles);
    expect((await up(first)).status).toBe(200);
    const more = extendChain(a, headOf(first), 5, (b) =>
      b.seq === 8 ? withTorsionSignature(b, a.key.secretKey) : b,
    );
    const r = await up(more);
    expect(r.status).toBe(422);
    const body = (await r.json()) as { error: { code: string; details: { result: { headSeq: number } } } };
    expect(body.error.code).toBe("bad-signature");
    expect(body.error.details.result.headSeq).toBe(7);
    // What the cloud holds verifies; with the refused bundles appended, the CLI refuses the same one.
    expect(await cliVerdict(c, "site-up", admin)).toMatchObject({ ok: true, count: 7 });
    expect(await cliVerdict(c, "site-up", admin, more.slice(2))).toMatchObject({
      ok: false,
      kind: "bad-signature",
      seq: 8,
    });
  });

  test("written straight into the database, the same bundle and reason on every path", async () => {
    const c = cloud();
    await c.createSite("site-db");
    const a = await c.createAppliance("site-db", "app-db");
    const first = a.nextBundles(5);
    const r = await a.upload(first);
    expect(r.status).toBe(200);
    // #6–#10 bypass ingest; #8 carries the small-order-R signature and #9, #10 link to it.
    const more = extendChain(a, headOf(first), 5, (b) =>
      b.seq === 8 ? withTorsionSignature(b, a.key.secretKey) : b,
    );
    for (const b of more) await insertStoredRow(c.deps.db, "site-db", b);

    const cli = await cliVerdict(c, "site-db", admin);
    expect(cli).toMatchObject({ ok: false, index: 7, kind: "bad-signature", applianceId: "app-db", seq: 8 });
    const { ok: _ok, ...expected } = cli as Extract<ChainResult, { ok: false }>;

    for (const signatures of ["heads", "all"] as const) {
      expect((await apiVerdict(c, "site-db", admin, signatures)).break).toEqual(expected);
      expect((await mcpVerdict("site-db", signatures)).break).toEqual(expected);
    }
    const msp = new WebClient(c);
    await msp.signInAdmin(admin);
    await addPortalUser(c, "site-db", "officer@db.example");
    const officer = await signInPortal(c, "officer@db.example");
    for (const verify of ["1", "all"]) {
      const dashboard = await msp.get(`/dashboard/sites/site-db/evidence?verify=${verify}`);
      expect(dashboard.status).toBe(200);
      expect(pageBreak(dashboard.html)).toEqual(expected);
      const portal = await officer.get(`/portal/s/site-db/evidence?verify=${verify}`);
      expect(portal.status).toBe(200);
      expect(pageBreak(portal.html)).toEqual(expected);
    }
  }, 30_000);

  test("a clean export: the CLI and the cloud agree on the count and every head", async () => {
    const c = cloud();
    await c.createSite("site-ok");
    for (const id of ["app-ok1", "app-ok2"]) {
      const a = await c.createAppliance("site-ok", id);
      const r = await a.upload(a.nextBundles(30));
      expect(r.status).toBe(200);
    }
    const cli = await cliVerdict(c, "site-ok", admin);
    expect(cli).toMatchObject({ ok: true, count: 60 });
    for (const signatures of ["heads", "all"]) {
      const api = await apiVerdict(c, "site-ok", admin, signatures);
      expect({ ok: api.ok, count: api.count, heads: api.heads }).toEqual({
        ok: true,
        count: 60,
        heads: (cli as Extract<ChainResult, { ok: true }>).heads,
      });
    }
  });

  test("after a month past the retention is dropped: verified from each floor on every path, and damage above a floor is still named", async () => {
    const c = cloud();
    await c.createSite("site-ret");
    const a = await c.createAppliance("site-ret", "app-ret1");
    const b = await c.createAppliance("site-ret", "app-ret2");
    await ensureEvidencePartitions(
      c.deps.db,
      new Date("2015-01-01T00:00:00Z"),
      new Date("2015-02-28T00:00:00Z"),
    );
    // app-ret1: #1–#5 received in January 2015, #6–#8 in February, #9–#10 now; app-ret2: #1–#3 in January.
    const chain = extendChain(a, { seq: 0, hash: GENESIS_HASH }, 10);
    for (const x of chain) {
      const at = x.seq <= 5 ? "2015-01-10T00:00:00Z" : x.seq <= 8 ? "2015-02-10T00:00:00Z" : undefined;
      await insertStoredRow(c.deps.db, "site-ret", x, undefined, at ? new Date(at) : undefined);
    }
    const other = extendChain(b, { seq: 0, hash: GENESIS_HASH }, 3);
    for (const x of other)
      await insertStoredRow(c.deps.db, "site-ret", x, undefined, new Date("2015-01-20T00:00:00Z"));
    const dropped = await c.withOwnerDb(async (db) =>
      rowsOf<{ month_table: string }>(
        await db.execute(
          sql`SELECT month_table FROM malachor_evidence_partition_drop('2015-01-01', '1 day')`,
        ),
      ).map((r) => r.month_table),
    );
    expect(dropped).toEqual(["evidence_chain_y2015m01", "evidence_verified_y2015m01"]);
    const today = new Date().toISOString().slice(0, 10);
    // A token of its own: the verifications below would spend the shared one's rate limit.
    const token = await c.adminToken("read-only");

    // The CLI: verified from each floor, and it says so.
    const cli = await cliVerdict(c, "site-ret", token);
    expect(cli).toMatchObject({
      ok: true,
      count: 5,
      heads: { "app-ret1": headOf(chain) },
      floors: [
        { applianceId: "app-ret1", seq: 6, prevHash: headOf(chain.slice(0, 5)).hash, month: "2015-01" },
        { applianceId: "app-ret2", seq: 4, prevHash: headOf(other).hash, month: "2015-01" },
      ],
    });
    const { floors, heads } = cli as Extract<ChainResult, { ok: true }> & { floors: RetentionFloor[] };
    expect(verifiedFrom(floors[0]!)).toBe(
      `verified from #6 (bundles #1–#5 dropped past the retention on ${today})`,
    );
    const text = runMalachor([
      "evidence",
      "verify",
      join(c.dataDir, "site-ret.jsonl"),
      "--pubkey",
      join(c.dataDir, "site-ret-keys.txt"),
    ]);
    expect(text.stdout.split("\n")[0]).toBe(
      `OK: 5 bundles verified; app-ret1 at #10 (head ${heads["app-ret1"]!.hash.slice(0, 16)}…), ${verifiedFrom(floors[0]!)}, ` +
        `app-ret2: no bundle retained (bundles #1–#3 dropped past the retention on ${today})`,
    );
    // The audit endpoint, MCP, the dashboard and the portal: the same count, heads and floors.
    for (const signatures of ["heads", "all"] as const) {
      const api = (await apiVerdict(c, "site-ret", token, signatures)) as { floors?: unknown };
      expect(api).toMatchObject({ ok: true, count: 5, heads, floors });
      const mcp = await mcpVerdict("site-ret", signatures, token);
      expect(mcp).toMatchObject({ ok: true, bundles: 5, floors });
    }
    const msp = new WebClient(c);
    await msp.signInAdmin(token);
    await addPortalUser(c, "site-ret", "officer@ret.example");
    const officer = await signInPortal(c, "officer@ret.example");
    const pages = async () => [
      (await msp.get("/dashboard/sites/site-ret/evidence?verify=1")).html,
      (await officer.get("/portal/s/site-ret/evidence?verify=all")).html,
    ];
    for (const html of await pages()) {
      expect(html).toContain('data-testid="chain-ok"');
      for (const f of floors) {
        expect(html).toContain(`data-testid="floor" data-appliance="${f.applianceId}" data-seq="${f.seq}"`);
        expect(html).toContain(verifiedFrom(f));
      }
    }

    // February dropped by hand, not through the function: #6–#8 are gone but the floor still says #6.
    await c.withOwnerDb(async (db) => {
      await db.execute(sql`ALTER TABLE evidence_chain DETACH PARTITION evidence_chain_y2015m02`);
      await db.execute(sql`DROP TABLE evidence_chain_y2015m02`);
    });
    const broken = await cliVerdict(c, "site-ret", token);
    expect(broken).toEqual({
      ok: false,
      index: 0,
      kind: "sequence-gap",
      applianceId: "app-ret1",
      seq: 9,
      message: `bundle app-ret1#9 (index 0) follows #5: bundles 6–8 are missing (the chain starts at #6: bundles #1–#5 dropped past the retention on ${today})`,
    });
    const { ok: _ok, ...expected } = broken as Extract<ChainResult, { ok: false }>;
    for (const signatures of ["heads", "all"] as const) {
      expect((await apiVerdict(c, "site-ret", token, signatures)).break).toEqual(expected);
      expect((await mcpVerdict("site-ret", signatures, token)).break).toEqual(expected);
    }
    for (const html of await pages()) expect(pageBreak(html)).toEqual(expected);
  }, 60_000);

  let damaged = 0;
  test.each(STORED_DAMAGE)("%s: the CLI and the audit endpoint name the same break", async (_n, make) => {
    const c = cloud();
    const siteId = `damaged-${++damaged}`;
    await make(c, siteId);
    const cli = await cliVerdict(c, siteId, admin);
    expect(cli.ok).toBe(false);
    const { ok: _ok, ...expected } = cli as Extract<ChainResult, { ok: false }>;
    for (const signatures of ["heads", "all"]) {
      const api = await apiVerdict(c, siteId, admin, signatures);
      expect({ ok: api.ok, count: api.count, break: api.break }).toEqual({
        ok: false,
        count: expected.index,
        break: expected,
      });
    }
  });
});
