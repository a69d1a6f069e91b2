import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { REQUEST_ID_HEADER } from "../../../protocol/api.ts";
import { actorLabel } from "../actor.ts";
import type { CloudDeps } from "../deps.ts";
import type { AppEnv } from "./env.ts";

const GOOD_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Request id (the caller's x-request-id when well-formed, else a fresh one, echoed back), one JSON
 * log line per request, and request metrics.
 */
export function requestContext(deps: CloudDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && GOOD_ID.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const matched = routePath(c, -1);
    const route = matched && matched !== "/*" ? matched : "unmatched";
    const status = String(c.res.status);
    deps.metrics.inc("malachor_http_requests_total", "HTTP requests by route and status", {
      method: c.req.method,
      route,
      status,
    });
    deps.metrics.observe(
      "malachor_http_request_duration_seconds",
      "HTTP request latency",
      { route },
      seconds,
    );
    const actor = c.get("actor");
    deps.logger.info("request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
      actor: actor ? actorLabel(actor) : undefined,
    });
  };
}
