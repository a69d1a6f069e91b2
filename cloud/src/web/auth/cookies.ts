import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Cookie names: dashboard and portal sessions are separate; `mal_pre` guards the sign-in forms. */
export const COOKIE = { admin: "mal_admin", portal: "mal_portal", pre: "mal_pre" } as const;
export type CookieName = (typeof COOKIE)[keyof typeof COOKIE];

/** Secure when the request came over https or the cloud's public URL is https. */
export function wantsSecure(c: Context, publicUrl: string): boolean {
  return new URL(c.req.url).protocol === "https:" || publicUrl.startsWith("https:");
}

/** Set a session-type cookie: HttpOnly, SameSite=Lax, Secure where https, path-wide. */
export function setWebCookie(
  c: Context,
  name: CookieName,
  value: string,
  publicUrl: string,
  maxAgeSec: number,
): void {
  setCookie(c, name, value, {
    httpOnly: true,
    secure: wantsSecure(c, publicUrl),
    sameSite: "Lax",
    path: "/",
    maxAge: maxAgeSec,
  });
}

/** Read one of our cookies. */
export function readWebCookie(c: Context, name: CookieName): string | undefined {
  return getCookie(c, name);
}

/** Remove one of our cookies. */
export function clearWebCookie(c: Context, name: CookieName, publicUrl: string): void {
  deleteCookie(c, name, { path: "/", secure: wantsSecure(c, publicUrl), httpOnly: true, sameSite: "Lax" });
}
