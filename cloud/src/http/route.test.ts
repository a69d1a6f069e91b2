import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import { memoryLogger } from "../logger.ts";
import { ApiDoc } from "../openapi/doc.ts";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";
import { idParams } from "./params.ts";
import { route, verbRoute } from "./route.ts";

const Count = v.pipe(v.string(), v.regex(/^\d{1,4}$/, "must be a number"), v.transform(Number));
const ThingCreate = v.strictObject({ name: v.pipe(v.string(), v.minLength(1)) });

/** The documented route of these tests. */
const thingDoc = {
  method: "post",
  path: "/things/:siteId",
  summary: "Create a thing",
  auth: "none",
  system: "things-test",
  params: idParams("siteId"),
  query: v.object({ n: v.optional(Count) }),
  body: ThingCreate,
} as const;

/** An app with one documented route; `seen` records what its handler received. */
function thingApp() {
  const doc = new ApiDoc();
  // Routes with auth "none" use nothing of the deps but the document.
  const deps = { doc } as unknown as RouteDeps;
  const app = new Hono<AppEnv>();
  app.onError((e, c) => errorResponse(e, c, memoryLogger()));
  const seen: unknown[] = [];
  route(app, deps, thingDoc, ({ c, ctx, body, params, query }) => {
    // Typed from the doc: body.name is a string, query.n a number.
    const name: string = body.name;
    const n: number | undefined = query.n;
    seen.push({ name, n, siteId: params.siteId, actor: ctx.actor });
    return c.json({ ok: true }, 201);
  });
  const post = (path: string, body: string, contentType = "application/json") =>
    app.request(path, { method: "POST", headers: { "content-type": contentType }, body });
  return { app, doc, seen, post };
}

describe("route(): the documented schemas are the validated ones", () => {
  test("the handler receives parsed path, query and body", async () => {
    const { seen, post } = thingApp();
    const r = await post("/things/site-a?n=42", '{"name":"pump"}');
    expect(r.status).toBe(201);
    expect(seen).toEqual([
      { name: "pump", n: 42, siteId: "site-a", actor: { type: "system", name: "things-test" } },
    ]);
  });

  test.each([
    [
      "a path parameter off its schema",
      "/things/bad%20id",
      '{"name":"x"}',
      "application/json",
      400,
      /^siteId: /,
    ],
    [
      "a query parameter off its schema",
      "/things/s?n=many",
      '{"name":"x"}',
      "application/json",
      400,
      /^n: must be a number/,
    ],
    ["a body off its schema", "/things/s", '{"name":""}', "application/json", 400, /^invalid body: name/],
    ["a body that is not an object", "/things/s", '["x"]', "application/json", 400, /must be a JSON object/],
    ["duplicate keys", "/things/s", '{"name":"a","name":"b"}', "application/json", 400, /"name" twice/],
    [
      "a form-encoded body",
      "/things/s",
      "name=x",
      "application/x-www-form-urlencoded",
      415,
      /application\/json/,
    ],
    ["no content type", "/things/s", '{"name":"x"}', "", 415, /application\/json/],
  ])("%s is refused before the handler runs", async (_what, path, body, ct, status, message) => {
    const { seen, post } = thingApp();
    const r = await post(path, body, ct);
    expect(r.status).toBe(status);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(message);
    expect(seen).toEqual([]);
  });

  test("a params schema must name exactly the path's parameters", () => {
    const deps = { doc: new ApiDoc() } as unknown as RouteDeps;
    const app = new Hono<AppEnv>();
    const doc = { method: "get", summary: "x", auth: "none" } as const;
    expect(() =>
      route(app, deps, { ...doc, path: "/x/:a", params: idParams("b") }, ({ c }) => c.text("")),
    ).toThrow(/params schema declares \[b\], the path has \[a\]/);
    expect(() => route(app, deps, { ...doc, path: "/x/:a" }, ({ c }) => c.text(""))).toThrow(
      /the path has \[a\]/,
    );
  });

  test("/openapi.json shows the parameter schemas that are enforced", () => {
    const { doc } = thingApp();
    const op = (doc.render().paths as Record<string, Record<string, { parameters: unknown[] }>>)[
      "/things/{siteId}"
    ]!.post!;
    expect(op.parameters).toEqual([
      expect.objectContaining({
        name: "siteId",
        in: "path",
        required: true,
        schema: expect.objectContaining({ pattern: expect.any(String) }),
      }),
      expect.objectContaining({
        name: "n",
        in: "query",
        required: false,
        schema: expect.objectContaining({ type: "string" }),
      }),
    ]);
  });
});

describe("verbRoute(): a route that passes what it declares to one verb", () => {
  test("the verb gets path, query and body as one input; its result is the JSON answer", async () => {
    const app = new Hono<AppEnv>();
    verbRoute(app, { doc: new ApiDoc() } as unknown as RouteDeps, thingDoc, async ({ input }) => input, 201);
    const r = await app.request("/things/site-a?n=7", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"pump"}',
    });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ siteId: "site-a", n: 7, name: "pump" });
  });

  test("a field declared by two parts is refused at registration", () => {
    const twice = { ...thingDoc, body: v.strictObject({ siteId: v.string() }) };
    expect(() =>
      verbRoute(new Hono<AppEnv>(), { doc: new ApiDoc() } as unknown as RouteDeps, twice, async () => ({})),
    ).toThrow('route POST /things/:siteId: "siteId" is declared twice');
  });
});
