import type { MiddlewareHandler } from "hono";

/**
 * Headers on every web page: same-origin scripts only, no framing, no caching of pages that show
 * compliance data, Referer only to ourselves (a magic-link token is in its landing page's path; "no-referrer"
 * would also make browsers send `Origin: null` on our own form posts).
 */
export const WEB_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

/** Add WEB_HEADERS to the response (kept when a handler set its own cache-control). */
export const webHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [k, val] of Object.entries(WEB_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, val);
};
