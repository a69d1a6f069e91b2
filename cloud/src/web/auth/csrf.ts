/**
 * CSRF defences for every POST of the dashboard and the portal:
 * 1. same-origin check on Origin / Sec-Fetch-Site (browsers send them on every POST);
 * 2. a token echoed in the form: the session's own token, or, before sign-in, a double-submit
 *    cookie (`mal_pre`) whose value the sign-in form carries.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

/** Name of the hidden form field carrying the token. */
export const CSRF_FIELD = "_csrf";

/** Constant-time comparison of two tokens (false when either is missing). */
export function tokensMatch(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A fresh pre-session token for the double-submit cookie. */
export function newPreSessionToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Whether a POST comes from our own pages: a present Origin must equal the request's origin and
 * Sec-Fetch-Site, when sent, must be same-origin. (Requests without either, e.g. curl, still
 * need the form token.)
 */
export function sameOrigin(requestUrl: string, headers: { origin?: string; secFetchSite?: string }): boolean {
  if (headers.secFetchSite && headers.secFetchSite !== "same-origin" && headers.secFetchSite !== "none")
    return false;
  if (headers.origin && headers.origin !== "null") {
    return headers.origin === new URL(requestUrl).origin;
  }
  return headers.origin !== "null";
}
