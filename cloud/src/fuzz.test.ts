import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { OrderView } from "./orders/schemas.ts";
import { describeEachDb } from "./testing/each-db.ts";
import { SAMPLE_BODIES } from "./testing/route-samples.ts";
import type { TestCloud } from "./testing/test-cloud.ts";

/** Tables whose content must not change (logs of refused attempts — alerts, audit, rate counters — may). */
const GUARDED = [
  "sites",
  "appliances",
  "appliance_keys",
  "api_keys",
  "admin_tokens",
  "evidence_chain",
  "evidence_outbox",
  "orders",
  "provisions",
  "rule_sets",
];

async function snapshot(c: TestCloud): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of GUARDED) {
    const r = (await c.deps.db.execute(
      sql.raw(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`),
    )) as unknown as { rows?: { h: string }[] } & { h: string }[];
    out[t] = (r.rows ?? r)[0]!.h;
  }
  return out;
}

/** Small deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const enc = new TextEncoder();

function isValid(schema: v.GenericSchema, text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return (
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      v.safeParse(schema, value).success
    );
  } catch {
    return false;
  }
}

/** Malformed variants of a valid body: every one must be refused with a 4xx. */
function malformedBodies(sample: unknown, rand: () => number, n: number): (Uint8Array | string)[] {
  const text = JSON.stringify(sample ?? {});
  const out: (Uint8Array | string)[] = [
    "",
    "null",
    "[]",
    "1e999",
    "NaN",
    '"\\ud800"',
    "{",
    `\uFEFF${text}`,
    "[".repeat(100_000),
    `${"[".repeat(5_000)}${"]".repeat(5_000)}`,
    new Uint8Array([0xc3, 0x28]),
    new Uint8Array([0xed, 0xa0, 0x80]),
    new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
  ];
  while (out.length < n) {
    const k = Math.floor(rand() * 7);
    if (k === 0) out.push(text.slice(0, Math.floor(rand() * text.length)));
    else if (k === 1) {
      const bytes = enc.encode(text);
      bytes[Math.floor(rand() * bytes.length)] = 0x80 + Math.floor(rand() * 0x40);
      out.push(bytes);
    } else if (k === 2)
      out.push(Uint8Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
    else if (k === 3 && sample && typeof sample === "object" && !Array.isArray(sample)) {
      out.push(JSON.stringify({ ...(sample as object), [`zz${Math.floor(rand() * 1e6)}`]: rand() }));
    } else if (k === 4 && sample && typeof sample === "object") {
      const keys = Object.keys(sample as object);
      const victim = keys[Math.floor(rand() * keys.length)];
      const bad = [null, {}, [], "x".repeat(600), -1.5, true, "\ud800"][Math.floor(rand() * 7)];
      out.push(JSON.stringify(victim ? { ...(sample as object), [victim]: bad } : { zz: 1 }));
    } else if (k === 5) out.push(JSON.stringify([sample]));
    else out.push(JSON.stringify({ zz: "\u0000".repeat(Math.floor(rand() * 50)) }));
  }
  return out;
}

/** Limits out of the way, site A with appliance "a-app", and a fleet msp-admin token. */
async function fuzzSetup(c: TestCloud) {
  const rl = c.deps.config.rateLimits;
  for (const k of Object.keys(rl) as (keyof typeof rl)[]) rl[k] = { limit: 1_000_000, windowSec: 60 };
  await c.createSite("site-a");
  return { app: await c.createAppliance("site-a", "a-app"), root: await c.adminToken("msp-admin") };
}

describeEachDb("fuzz: malformed and oversized bodies never cause a 5xx or a change", (cloud) => {
  test("≥ 2,000 malformed requests across every route", async () => {
    const c = cloud();
    const { app, root } = await fuzzSetup(c);
    const ord = await c.call("POST", "/api/sites/site-a/orders", {
      bearer: root,
      body: { applianceId: "a-app", type: "sync_rules", params: {}, requireApproval: true },
    });
    const orderId = ((await ord.json()) as { orders: OrderView[] }).orders[0]!.id;
    expect(
      (
        await c.request("/agent/evidence", {
          method: "POST",
          headers: app.headers,
          body: JSON.stringify({ bundles: app.nextBundles(2) }),
        })
      ).status,
    ).toBe(200);
    const samples: Record<string, unknown> = {
      ...SAMPLE_BODIES,
      "POST /agent/evidence": { bundles: app.peekBundles(2) },
    };
    const before = await snapshot(c);

    const rand = rng(42);
    const routes = c.doc.routes;
    const bodyRoutes = routes.filter((r) => r.method === "post" || r.method === "put");
    const perRoute = Math.ceil(2_000 / bodyRoutes.length);
    const fill = (p: string) =>
      p.replace(/:([A-Za-z0-9_]+)/g, (_m, n: string) =>
        n === "siteId"
          ? "site-a"
          : n === "applianceId"
            ? "a-app"
            : n === "orderId"
              ? orderId
              : n === "mac"
                ? "00:00:00:00:00:09"
                : "x",
      );
    const bearerFor = (auth: (typeof routes)[number]["auth"]) =>
      auth === "appliance" ? app.apiKey : typeof auth === "object" ? root : undefined;
    const bad: string[] = [];
    let sent = 0;
    for (const r of bodyRoutes) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      // A mutation that happens to satisfy the route's schema is not malformed: drop it.
      const bodies = malformedBodies(samples[key] ?? {}, rand, perRoute * 2)
        .filter((b) => !(r.body && typeof b === "string" && isValid(r.body, b)))
        .slice(0, perRoute);
      // Oversized: just past the route's body limit (8 MiB for evidence, 2 MiB for rules, else 256 KiB).
      const limit =
        r.path === "/agent/evidence"
          ? 8 * 1024 * 1024
          : r.path.endsWith("/rules")
            ? 2 * 1024 * 1024
            : 256 * 1024;
      bodies.push(new Uint8Array(limit + 1).fill(0x20));
      for (const body of bodies) {
        const bearer = bearerFor(r.auth);
        const res = await c.request(fill(r.path), {
          method: r.method.toUpperCase(),
          headers: {
            "content-type": "application/json",
            ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          },
          body: body as BodyInit,
        });
        sent++;
        if (res.status < 400 || res.status >= 500) {
          const shown = typeof body === "string" ? body.slice(0, 80) : `${body.length} bytes`;
          bad.push(`${key} ${res.status} for ${JSON.stringify(shown)}: ${(await res.text()).slice(0, 200)}`);
        } else await res.arrayBuffer();
      }
    }
    // Malformed path parameters and queries on every route.
    const junk = ["%00", "..%2F..%2Fetc", "a".repeat(300), "%F0%9F%92%A9", "%ZZ", "x y"];
    for (const r of routes) {
      if (!/:/.test(r.path) && r.method !== "get") continue;
      for (const j of junk) {
        const path = r.path.includes(":")
          ? r.path.replace(/:([A-Za-z0-9_]+)/g, j)
          : `${r.path}?state=${j}&format=${j}`;
        const bearer = bearerFor(r.auth);
        const res = await c.request(path, {
          method: r.method.toUpperCase(),
          headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
          ...(r.method === "get" || r.method === "delete" ? {} : { body: "{}" }),
        });
        sent++;
        if (res.status >= 500)
          bad.push(`${r.method} ${path} ${res.status}: ${(await res.text()).slice(0, 200)}`);
        else await res.arrayBuffer();
      }
    }
    expect(bad).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(2_000);
    expect(await snapshot(c)).toEqual(before);
  }, 240_000);
});

/** One operation of /openapi.json. */
interface Operation {
  method: string;
  path: string;
  auth: string;
  hasBody: boolean;
}

/** Every operation the served OpenAPI document lists (Hono path syntax restored). */
async function operations(c: TestCloud): Promise<Operation[]> {
  const doc = (await (await c.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, { "x-auth": string; requestBody?: unknown }>>;
  };
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: p.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1"),
      auth: op["x-auth"],
      hasBody: op.requestBody !== undefined,
    })),
  );
}

/** A variant of a well-formed body that must be refused before validation, with the status and text expected. */
interface Hostile {
  what: string;
  body: Uint8Array | string;
  contentType?: string;
  status: number;
  message: RegExp;
}

const deepArray = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

/** Deep nesting (inside each top-level field and each free-form field), invalid UTF-8, duplicate keys, wrong content types. */
function hostileVariants(sample: unknown, maxBody: number): Hostile[] {
  const text = JSON.stringify(sample);
  // As deep as fits the route's size limit, up to the 100,000 levels of the report.
  const levels = Math.min(100_000, Math.floor((maxBody - text.length - 64) / 2));
  const deep = deepArray(levels);
  const out: Hostile[] = [];
  const nests = /nests deeper than 64 levels/;
  const isObject = sample !== null && typeof sample === "object" && !Array.isArray(sample);
  const keys = isObject ? Object.keys(sample as object) : [];
  for (const k of keys) {
    out.push({
      what: `${levels} levels in "${k}"`,
      body: text.replace(`${JSON.stringify(k)}:`, `${JSON.stringify(k)}:${deep},"zz":`),
      status: 400,
      message: nests,
    });
  }
  for (const field of ["details", "params", "result"]) {
    const at = `"${field}":{`;
    if (text.includes(at)) {
      out.push({
        what: `${levels} levels in the free-form "${field}"`,
        body: text.replace(at, `${at}"deep":${deep}${text.includes(`${at}}`) ? "" : ","}`),
        status: 400,
        message: nests,
      });
    }
  }
  const [head, tail] = [text.slice(0, text.length - 1), text.slice(text.length - 1)];
  out.push({
    what: "invalid UTF-8 in a string",
    body: new Uint8Array([
      ...enc.encode(`${head}${keys.length ? "," : ""}"zz":"`),
      0xff,
      0xfe,
      ...enc.encode(`"${tail}`),
    ]),
    status: 400,
    message: /not valid UTF-8/,
  });
  if (keys.length > 0) {
    const k = JSON.stringify(keys[0]);
    const first = JSON.stringify((sample as Record<string, unknown>)[keys[0]!]);
    out.push({
      what: `the key ${k} twice`,
      body: `${head},${k}:${first}${tail}`,
      status: 400,
      message: /twice in one object/,
    });
  }
  for (const ct of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=iso-8859-1",
    "",
  ]) {
    out.push({
      what: `Content-Type "${ct}"`,
      body: text,
      contentType: ct,
      status: 415,
      message: /Content-Type: application\/json/,
    });
  }
  return out;
}

describeEachDb("fuzz: every route in /openapi.json refuses hostile bodies before validation", (cloud) => {
  test("deep nesting, invalid UTF-8, duplicate keys and wrong content types: the right 4xx, nothing stored", async () => {
    const c = cloud();
    const { app, root } = await fuzzSetup(c);
    const samples: Record<string, unknown> = {
      ...SAMPLE_BODIES,
      "POST /agent/evidence": { bundles: app.peekBundles(1) },
      "POST /api/sites/:siteId/orders": { applianceId: "a-app", type: "sync_rules", params: { a: 1 } },
      "POST /mcp": { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} },
      // Well-formed (signatures are checked only after the body is read).
      "POST /agent/rekey": {
        publicKey: "c".repeat(64),
        oldKeySignature: "d".repeat(128),
        newKeySignature: "e".repeat(128),
      },
    };
    const before = await snapshot(c);
    const ops = (await operations(c)).filter((o) => o.method === "POST" || o.method === "PUT");
    // Every documented JSON body route, and /mcp (JSON-RPC, not a documented schema), is walked.
    expect(ops.filter((o) => o.hasBody).length).toBeGreaterThan(25);
    expect(ops.some((o) => o.path === "/mcp")).toBe(true);
    const bad: string[] = [];
    let sent = 0;
    for (const o of ops) {
      if (!o.hasBody && o.path !== "/mcp") continue;
      const key = `${o.method} ${o.path}`;
      const sample = samples[key];
      if (sample === undefined) {
        bad.push(`${key}: no sample body in testing/route-samples.ts`);
        continue;
      }
      const maxBody = o.path === "/mcp" ? 64 * 1024 : 256 * 1024;
      const bearer = o.auth === "appliance" ? app.apiKey : o.auth.startsWith("admin:") ? root : undefined;
      for (const h of hostileVariants(sample, maxBody)) {
        const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
        if (bearer) headers.authorization = `Bearer ${bearer}`;
        const ct = h.contentType ?? "application/json";
        if (ct) headers["content-type"] = ct;
        const path = o.path.replace(
          /:([A-Za-z0-9_]+)/g,
          (_m, n: string) =>
            ({ siteId: "site-a", applianceId: "a-app", version: "1.0.0", mac: "00:00:00:00:00:09" })[n] ??
            "x1",
        );
        const body = typeof h.body === "string" ? enc.encode(h.body) : h.body;
        const res = await c.request(path, { method: o.method, headers, body: body as BodyInit });
        sent++;
        const answer = await res.text();
        if (res.status !== h.status || !h.message.test(answer)) {
          bad.push(`${key} with ${h.what}: ${res.status} ${answer.slice(0, 160)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(await snapshot(c)).toEqual(before);
  }, 240_000);
});
