import { expect, test } from "bun:test";
import { AGENT_API } from "../../protocol/api.ts";
import { roleAtLeast } from "./auth/permissions.ts";
import type { RouteDoc } from "./openapi/doc.ts";
import type { OrderView } from "./orders/schemas.ts";
import { describeEachDb } from "./testing/each-db.ts";
import { SAMPLE_BODIES } from "./testing/route-samples.ts";
import type { TestCloud } from "./testing/test-cloud.ts";

/** A caller in the matrix. */
interface Principal {
  name: string;
  bearer?: string;
  kind: "none" | "appliance-a" | "appliance-b" | "admin";
  role?: "msp-admin" | "msp-tech" | "read-only";
  site?: "site-a" | "site-b";
}

/** Everything site A owns that a path can name. */
interface SiteAObjects {
  applianceId: string;
  orderId: string;
  pendingOrderId: string;
  apiKeyId: string;
  mac: string;
  tokenId: string;
}

function fillPath(path: string, o: SiteAObjects, forApproval: boolean): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    switch (name) {
      case "siteId":
        return "site-a";
      case "applianceId":
        return o.applianceId;
      case "orderId":
        return forApproval ? o.pendingOrderId : o.orderId;
      case "apiKeyId":
        return o.apiKeyId;
      case "mac":
        return o.mac;
      case "tokenId":
        return o.tokenId;
      default:
        return "x";
    }
  });
}

const SITE_A_MARKERS = ["site-a", "a-app"];

describeEachDb("authorization matrix: every route × every kind of caller", (cloud) => {
  test("no cross-site access, no anonymous access, roles enforced", async () => {
    const c: TestCloud = cloud();
    const cfg = c.deps.config.rateLimits;
    cfg.privileged = { limit: 100_000, windowSec: 3600 };
    cfg.remediationOrders = { limit: 100_000, windowSec: 300 };
    await c.createSite("site-a");
    await c.createSite("site-b");
    const appA = await c.createAppliance("site-a", "a-app");
    const appB = await c.createAppliance("site-b", "b-app");
    const root = await c.adminToken("msp-admin");
    const order = async (requireApproval: boolean) => {
      const r = await c.call("POST", "/api/sites/site-a/orders", {
        bearer: root,
        body: { applianceId: "a-app", type: "sync_rules", params: {}, requireApproval },
      });
      return ((await r.json()) as { orders: OrderView[] }).orders[0]!.id;
    };
    const rot = (await (
      await c.call("POST", "/api/appliances/a-app/keys", { bearer: root, body: {} })
    ).json()) as {
      apiKeyId: string;
    };
    await c.call("POST", AGENT_API.provision("00:aa:00:00:00:01"), {
      bearer: root,
      body: { siteId: "site-a" },
    });
    const tokList = (await (await c.call("GET", "/api/tokens", { bearer: root })).json()) as {
      tokens: { id: string }[];
    };
    const objects: SiteAObjects = {
      applianceId: "a-app",
      orderId: await order(false),
      pendingOrderId: await order(true),
      apiKeyId: rot.apiKeyId,
      mac: "00:aa:00:00:00:01",
      tokenId: tokList.tokens[0]!.id,
    };

    const principals: Principal[] = [
      { name: "no key", kind: "none" },
      { name: "site B appliance key", kind: "appliance-b", bearer: appB.apiKey },
      {
        name: "site B msp-admin token",
        kind: "admin",
        role: "msp-admin",
        site: "site-b",
        bearer: await c.adminToken("msp-admin", "site-b"),
      },
      {
        name: "site B read-only token",
        kind: "admin",
        role: "read-only",
        site: "site-b",
        bearer: await c.adminToken("read-only", "site-b"),
      },
      { name: "read-only token", kind: "admin", role: "read-only", bearer: await c.adminToken("read-only") },
      { name: "msp-tech token", kind: "admin", role: "msp-tech", bearer: await c.adminToken("msp-tech") },
      {
        name: "site A msp-tech token",
        kind: "admin",
        role: "msp-tech",
        site: "site-a",
        bearer: await c.adminToken("msp-tech", "site-a"),
      },
      { name: "site A appliance key", kind: "appliance-a", bearer: appA.apiKey },
      {
        name: "site A msp-admin token",
        kind: "admin",
        role: "msp-admin",
        site: "site-a",
        bearer: await c.adminToken("msp-admin", "site-a"),
      },
      { name: "msp-admin token", kind: "admin", role: "msp-admin", bearer: await c.adminToken("msp-admin") },
    ];

    const routes = c.doc.routes;
    expect(routes.length).toBeGreaterThan(25);
    const failures: string[] = [];
    let checked = 0;
    // Destructive routes last, so earlier rows still find site A's objects in place.
    const destructive = (r: RouteDoc) => r.method === "delete" || /clear-stale|\/keys$/.test(r.path);
    const ordered = [...routes.filter((r) => !destructive(r)), ...routes.filter(destructive)];
    for (const r of ordered) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      const path = fillPath(r.path, objects, r.path.endsWith("/approve") || r.path.endsWith("/reject"));
      for (const p of principals) {
        const res = await c.call(r.method.toUpperCase(), path, {
          bearer: p.bearer,
          body: r.method === "get" || r.method === "delete" ? undefined : (SAMPLE_BODIES[key] ?? {}),
        });
        const status = res.status;
        const text = await res.text();
        checked++;
        const fail = (why: string) =>
          failures.push(`${key} as ${p.name}: ${status} — ${why} ${text.slice(0, 160)}`);
        // A deliberate 5xx with its own code (e.g. 503 "not configured") is not a crash.
        if (status === 500 || (status > 500 && text.includes('"code":"internal"'))) fail("server error");
        // Authenticated inside the handler: a one-time code, or a claim signed by the key it enrols.
        if (r.auth === "none" || r.auth === "enroll-code") continue;
        const crossSite = p.kind === "appliance-b" || p.site === "site-b";
        if (crossSite && status < 300 && SITE_A_MARKERS.some((m) => text.includes(m)))
          fail("leaked site A data");
        if (crossSite && status < 300 && /:(siteId|applianceId|orderId|apiKeyId|mac)/.test(r.path)) {
          fail("reached a site A object");
        }
        if (r.auth === "portal") continue;
        if (r.auth === "appliance") {
          if (p.kind === "none" || p.kind === "admin") {
            if (status !== 401) fail("expected 401 without an appliance key");
          } else if (p.kind === "appliance-a" && (status === 401 || status === 403)) {
            fail("own appliance refused");
          }
          continue;
        }
        // Admin routes.
        if (p.kind !== "admin") {
          if (status !== 401) fail("expected 401 without an admin token");
          continue;
        }
        const strongEnough = roleAtLeast(p.role!, r.auth.admin);
        if (!strongEnough && status !== 403) fail(`expected 403 for role ${p.role} (needs ${r.auth.admin})`);
        if (p.site === "site-b" && status < 300 && /:[a-zA-Z]+/.test(r.path))
          fail("site-scoped token crossed sites");
        if (strongEnough && p.site !== "site-b" && status === 401)
          fail("valid token refused as unauthenticated");
        if (strongEnough && p.site === undefined && status === 403)
          fail("fleet token of sufficient role refused");
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(routes.length * principals.length);
  }, 120_000);
});
