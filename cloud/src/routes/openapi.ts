import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";

/** GET /openapi.json: rendered from the routes registered so far (register this last). */
export function registerOpenApi(app: Hono<AppEnv>, deps: RouteDeps): void {
  let rendered: Record<string, unknown> | null = null;
  route(
    app,
    deps,
    { method: "get", path: "/openapi.json", summary: "This document", auth: "none" },
    ({ c }) => {
      rendered ??= deps.doc.render();
      return c.json(rendered);
    },
  );
}
