import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import type { KeyEscrow } from "../../../protocol/ingest.ts";
import { auditLog } from "../db/schema/audit.ts";
import { escrowKeys } from "../db/schema/escrow.ts";
import type { AppEnv } from "../http/env.ts";
import { errorResponse } from "../http/errors.ts";
import { ApiDoc } from "../openapi/doc.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestCloud } from "../testing/test-cloud.ts";
import { registerEscrow } from "./routes.ts";
import { EscrowList, EscrowSecret } from "./schemas.ts";

const escrow = (host: string, n = 1): KeyEscrow => ({
  host,
  volume: "C:",
  protectorId: "{8f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b}",
  recoveryPassword: Array.from({ length: 8 }, (_, i) =>
    String(111111 * ((i + n) % 9 || 9)).padStart(6, "0"),
  ).join("-"),
});

// Table-driven cases share one database per suite: create each site once.
const made = new Set<string>();
async function ensureSite(c: TestCloud, id: string) {
  const key = `${c.dataDir}/${id}`;
  if (made.has(key)) return;
  await c.createSite(id);
  made.add(key);
}

describeEachDb(
  "key escrow",
  (cloud) => {
    test("an appliance escrows a key: stored sealed, listed and revealed to msp-admin only, every view audited", async () => {
      const c = cloud();
      await c.createSite("site-esc");
      const app = await c.createAppliance("site-esc");
      const key = escrow("FRONTDESK-01");
      const stored = await c.call("POST", AGENT_API.escrow, { bearer: app.apiKey, body: key });
      expect(stored.status).toBe(200);
      const { id } = (await stored.json()) as { id: string };

      // At rest: no trace of the password, a wrapped data key, the KEK's id.
      const [row] = await c.deps.db.select().from(escrowKeys).where(eq(escrowKeys.id, id));
      expect(JSON.stringify(row)).not.toContain(key.recoveryPassword);
      expect(JSON.stringify(row)).not.toContain(key.recoveryPassword.slice(0, 13));
      expect(row!.kekId).toMatch(/^[0-9a-f]{16}$/);
      expect(row!.protectorId).toBe(key.protectorId.toUpperCase());

      const admin = await c.adminToken("msp-admin");
      const list = await c.call("GET", "/api/sites/site-esc/escrow", { bearer: admin });
      expect(list.status).toBe(200);
      const listed = v.parse(EscrowList, await list.json());
      expect(listed.keys.map((k) => [k.id, k.host, k.volume, k.applianceId])).toEqual([
        [id, "FRONTDESK-01", "C:", app.applianceId],
      ]);
      expect(JSON.stringify(listed)).not.toContain(key.recoveryPassword);

      for (let i = 0; i < 2; i++) {
        const r = await c.call("GET", `/api/sites/site-esc/escrow/${id}`, { bearer: admin });
        expect(r.status).toBe(200);
        expect(r.headers.get("cache-control")).toBe("no-store");
        expect(v.parse(EscrowSecret, await r.json()).recoveryPassword).toBe(key.recoveryPassword);
      }
      const views = await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "escrow.view"));
      expect(views.map((a) => [a.target, a.siteId, a.outcome])).toEqual([
        [`escrow:${id}`, "site-esc", "ok"],
        [`escrow:${id}`, "site-esc", "ok"],
      ]);
      expect(views.every((a) => a.actor.startsWith("admin:"))).toBe(true);

      // The runbook runs again with a new password for the same protector: same record, new value.
      const again = escrow("FRONTDESK-01", 2);
      const r2 = await c.call("POST", AGENT_API.escrow, { bearer: app.apiKey, body: again });
      expect(await r2.json()).toEqual({ id });
      const shown = await c.call("GET", `/api/sites/site-esc/escrow/${id}`, { bearer: admin });
      expect(((await shown.json()) as { recoveryPassword: string }).recoveryPassword).toBe(
        again.recoveryPassword,
      );
    });

    test.each([
      { who: "msp-tech", path: (id: string) => `/api/sites/site-deny/escrow/${id}`, status: 403 },
      { who: "read-only", path: (id: string) => `/api/sites/site-deny/escrow/${id}`, status: 403 },
      { who: "msp-tech", path: () => "/api/sites/site-deny/escrow", status: 403 },
      {
        who: "admin of another site",
        path: (id: string) => `/api/sites/site-deny/escrow/${id}`,
        status: 403,
      },
      {
        who: "msp-admin, id of another site",
        path: (id: string) => `/api/sites/site-other/escrow/${id}`,
        status: 404,
      },
      { who: "msp-admin, unknown id", path: () => "/api/sites/site-deny/escrow/esc_nope", status: 404 },
      { who: "the appliance itself", path: (id: string) => `/api/sites/site-deny/escrow/${id}`, status: 401 },
      { who: "nobody", path: (id: string) => `/api/sites/site-deny/escrow/${id}`, status: 401 },
    ])("refuses $who ($status) and audits no view", async ({ who, path, status }) => {
      const c = cloud();
      await ensureSite(c, "site-deny");
      await ensureSite(c, "site-other");
      const app = await c.createAppliance("site-deny");
      const stored = await c.call("POST", AGENT_API.escrow, {
        bearer: app.apiKey,
        body: escrow(`HOST-${who.length}`),
      });
      const { id } = (await stored.json()) as { id: string };
      const bearer =
        who === "nobody"
          ? undefined
          : who === "the appliance itself"
            ? app.apiKey
            : who === "admin of another site"
              ? await c.adminToken("msp-admin", "site-other")
              : await c.adminToken(
                  who.startsWith("msp-admin") ? "msp-admin" : (who as "msp-tech" | "read-only"),
                );
      const before = (await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "escrow.view")))
        .length;
      const r = await c.call("GET", path(id), { bearer });
      expect(r.status).toBe(status);
      expect(await r.text()).not.toContain("recoveryPassword");
      expect((await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "escrow.view"))).length).toBe(
        before,
      );
    });

    test.each([
      {
        name: "malformed recovery password",
        body: { ...escrow("H"), recoveryPassword: "1234" },
        status: 400,
        error: "recoveryPassword",
      },
      { name: "unknown field", body: { ...escrow("H"), note: "x" }, status: 400, error: "note" },
      {
        name: "no API key",
        body: escrow("H"),
        status: 401,
        error: "missing bearer API key",
        anonymous: true,
      },
    ])("POST /agent/escrow refuses $name", async ({ body, status, error, anonymous }) => {
      const c = cloud();
      await ensureSite(c, "site-bad");
      const app = await c.createAppliance("site-bad");
      const r = await c.call("POST", AGENT_API.escrow, { bearer: anonymous ? undefined : app.apiKey, body });
      expect(r.status).toBe(status);
      expect(await r.text()).toContain(error);
      expect(
        (await c.deps.db.select().from(escrowKeys).where(eq(escrowKeys.siteId, "site-bad"))).length,
      ).toBe(0);
    });

    test("without a KEK configured the cloud refuses to store (503) rather than keep a key in clear", async () => {
      const c = cloud();
      await ensureSite(c, "site-nokek");
      const appliance = await c.createAppliance("site-nokek");
      const app = new Hono<AppEnv>();
      app.onError((e, ctx) => errorResponse(e, ctx, c.deps.logger));
      registerEscrow(app, { ...c.deps, doc: new ApiDoc() }, {});
      const r = await app.request(AGENT_API.escrow, {
        method: "POST",
        headers: appliance.headers,
        body: JSON.stringify(escrow("H")),
      });
      expect(r.status).toBe(503);
      expect(await r.text()).toContain("key escrow is not configured: set ESCROW_KEK_FILE");
      expect(
        (await c.deps.db.select().from(escrowKeys).where(eq(escrowKeys.siteId, "site-nokek"))).length,
      ).toBe(0);
    });
  },
  { app: { escrow: { ESCROW_KEK: "5a".repeat(32) } } },
);
