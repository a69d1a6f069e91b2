import type { Context, Hono, MiddlewareHandler } from "hono";
import type * as v from "valibot";
import { requireAdmin, requireAppliance } from "../auth/middleware.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { pathParams, type RouteDoc } from "../openapi/doc.ts";
import { DEFAULT_MAX_BODY, param, readJson } from "./body.ts";
import { type AppEnv, serviceContext } from "./env.ts";

type Output<D, K extends "body" | "params" | "query"> = D extends {
  [P in K]: infer S extends v.GenericSchema;
}
  ? v.InferOutput<S>
  : undefined;

/** What a handler receives: its input already read and validated against the schemas its doc publishes. */
export interface RouteArgs<D extends RouteDoc> {
  c: Context<AppEnv>;
  /** The caller's service context (unauthenticated routes act as the system actor `doc.system`). */
  ctx: ServiceContext;
  /** The JSON body, validated by `doc.body`. */
  body: Output<D, "body">;
  /** The path parameters, validated by `doc.params`. */
  params: Output<D, "params">;
  /** The query parameters, validated by `doc.query`. */
  query: Output<D, "query">;
}

/**
 * Register a route and its documentation in one call: the auth it enforces, the path and query
 * parameters and the JSON body it validates are exactly what /openapi.json (and the authorization
 * matrix and fuzz tests, which walk `doc.routes`) say. The handler receives parsed input; the body
 * goes through the one strict reader (`readJson`: 415, 413, 400 before the schema sees it).
 * "enroll-code" and "portal" routes authenticate inside their handler.
 */
export function route<const D extends RouteDoc>(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  doc: D,
  handler: (args: RouteArgs<D>) => Promise<Response> | Response,
): void {
  const declared = Object.keys(doc.params?.entries ?? {}).sort();
  const inPath = pathParams(doc.path).sort();
  if (declared.join() !== inPath.join()) {
    throw new Error(
      `route ${doc.method.toUpperCase()} ${doc.path}: params schema declares [${declared}], the path has [${inPath}]`,
    );
  }
  deps.doc.add(doc);
  const guards: MiddlewareHandler<AppEnv>[] = [];
  if (doc.auth === "appliance") guards.push(requireAppliance(deps));
  else if (typeof doc.auth === "object") {
    guards.push(
      requireAdmin(deps, doc.auth.admin, { siteParam: doc.auth.siteParam, privileged: doc.privileged }),
    );
  }
  app.on([doc.method.toUpperCase()], [doc.path], ...guards, async (c) => {
    const params = doc.params ? param(doc.params, c.req.param()) : undefined;
    const query = doc.query ? param(doc.query, c.req.query()) : undefined;
    const body = doc.body ? await readJson(c, doc.body, doc.maxBody ?? DEFAULT_MAX_BODY) : undefined;
    const actor = c.get("actor") ?? (doc.system ? { type: "system" as const, name: doc.system } : undefined);
    return handler({
      c,
      get ctx(): ServiceContext {
        if (!actor) throw new Error(`route ${doc.path} has no caller: declare auth or doc.system`);
        return { ...serviceContext(c, deps), actor };
      },
      body,
      params,
      query,
    } as RouteArgs<D>);
  });
}

type Part<D, K extends "body" | "params" | "query"> = D extends { [P in K]: infer S extends v.GenericSchema }
  ? v.InferOutput<S>
  : unknown;

/** What a verb route hands its verb: the path parameters, query and body it declares, as one object. */
export type VerbInput<D extends RouteDoc> = Part<D, "params"> & Part<D, "query"> & Part<D, "body">;

/**
 * Register a route whose handler only calls a service verb with what the route declares (path
 * parameters, query, body) as one input, and answers the verb's result as JSON (`status` 201 when
 * it creates). The parts must not name the same field, so the merge loses nothing: checked here.
 */
export function verbRoute<const D extends RouteDoc>(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  doc: D,
  verb: (call: ServiceCall<VerbInput<D>>) => Promise<unknown>,
  status?: 201,
): void {
  const seen = new Set<string>();
  for (const part of [doc.params, doc.query, doc.body]) {
    const entries = part && "entries" in part ? Object.keys(part.entries as object) : [];
    for (const key of entries) {
      if (seen.has(key))
        throw new Error(`route ${doc.method.toUpperCase()} ${doc.path}: "${key}" is declared twice`);
      seen.add(key);
    }
  }
  route(app, deps, doc, async ({ c, ctx, params, query, body }) => {
    const input = Object.assign({}, params, query, body) as VerbInput<D>;
    const result = await verb({ ctx, input });
    return status ? c.json(result, status) : c.json(result);
  });
}
