import type { MiddlewareHandler } from "hono";
import type { CloudDeps } from "../deps.ts";

/** One year, sub-domains included: what browsers' HSTS preload expects at minimum. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

/**
 * Strict-Transport-Security on every response when the cloud is reached over https (its own TLS,
 * or a TLS-terminating proxy in front of an https public URL), so browsers never fall back to
 * plain http for the dashboard and portal.
 */
export function hsts(deps: CloudDeps): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (new URL(c.req.url).protocol === "https:" || deps.config.publicUrl.startsWith("https:")) {
      c.header("strict-transport-security", HSTS_VALUE);
    }
  };
}
