import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import { requireAdmin, requireAppliance } from "../auth/middleware.ts";
import type { RouteDeps } from "../deps.ts";
import type { RouteDoc } from "../openapi/doc.ts";
import type { AppEnv } from "./env.ts";

/**
 * Register a route and its documentation in one call, so the auth a route enforces is exactly
 * the auth /openapi.json (and the authorization matrix test) says it has.
 * "enroll-code" and "portal" routes authenticate inside their handler.
 */
export function route(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  doc: RouteDoc,
  handler: (c: Context<AppEnv>) => Promise<Response> | Response,
): void {
  deps.doc.add(doc);
  const guards: MiddlewareHandler<AppEnv>[] = [];
  if (doc.auth === "appliance") guards.push(requireAppliance(deps));
  else if (typeof doc.auth === "object") {
    guards.push(
      requireAdmin(deps, doc.auth.admin, { siteParam: doc.auth.siteParam, privileged: doc.privileged }),
    );
  }
  app.on([doc.method.toUpperCase()], [doc.path], ...guards, handler as Handler<AppEnv>);
}
