import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";

/** GET /metrics: Prometheus text format. */
export function registerMetrics(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    { method: "get", path: "/metrics", summary: "Prometheus metrics", auth: "none", produces: "text/plain" },
    ({ c }) => c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
}
