/**
 * Middleware guarding every web page: a live DB session of the right kind, the admin role the
 * page needs, the portal user's own site only, and a CSRF check on every POST.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import type { Actor, Role } from "../../actor.ts";
import { admitAdmin } from "../../auth/admit.ts";
import { adminTokens } from "../../db/schema/auth.ts";
import { portalUsers } from "../../db/schema/web.ts";
import type { CloudDeps } from "../../deps.ts";
import type { WebEnv, WebUser } from "../env.ts";
import { pageNotFound, WebError } from "../errors.tsx";
import { COOKIE, clearWebCookie, readWebCookie } from "./cookies.ts";
import { CSRF_FIELD, sameOrigin, tokensMatch } from "./csrf.ts";
import { loadSession } from "./sessions.ts";

/** Largest form we accept (sign-in, actions); anything bigger is not from our pages. */
const MAX_FORM_BYTES = 64 * 1024;

/** Read a POSTed urlencoded/multipart form as string fields, refusing oversized bodies. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const len = Number(c.req.header("content-length") ?? "0");
  if (len > MAX_FORM_BYTES)
    throw new WebError(413, "Form too large", `forms are limited to ${MAX_FORM_BYTES} bytes`);
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(body)) if (typeof val === "string") out[k] = val;
  return out;
}

/** Refuse a POST that is cross-origin or lacks the expected CSRF token; returns the form. */
export async function checkedForm(c: Context, expected: string | undefined): Promise<Record<string, string>> {
  const ok = sameOrigin(c.req.url, {
    origin: c.req.header("origin"),
    secFetchSite: c.req.header("sec-fetch-site"),
  });
  if (!ok) throw new WebError(403, "Refused", "This form was sent from another site.");
  const form = await readForm(c);
  if (!tokensMatch(form[CSRF_FIELD], expected)) {
    throw new WebError(
      403,
      "Refused",
      "The form's security token is missing or stale. Reload the page and try again.",
    );
  }
  return form;
}

function toSignIn(c: Context, path: string, why: string): Response {
  const next = c.req.method === "GET" ? `&next=${encodeURIComponent(c.req.path)}` : "";
  return c.redirect(`${path}?why=${why}${next}`, 303);
}

/** The admin actor behind a session: its token must still be valid (revoking it ends the session). */
async function adminOfSession(deps: CloudDeps, tokenId: string): Promise<Actor | null> {
  const [t] = await deps.db
    .select()
    .from(adminTokens)
    .where(and(eq(adminTokens.id, tokenId), isNull(adminTokens.revokedAt)));
  if (!t || (t.expiresAt && t.expiresAt <= deps.clock.now())) return null;
  return { type: "admin", tokenId: t.id, name: t.name, role: t.role as Role, siteId: t.siteId };
}

/** Dashboard pages: an admin session whose token has at least role `min`. */
export function adminPage(deps: CloudDeps, min: Role = "read-only"): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const cookie = readWebCookie(c, COOKIE.admin);
    const s = await loadSession(deps.db, deps.clock, cookie, "admin");
    if (!s.ok) {
      if (cookie) clearWebCookie(c, COOKIE.admin, deps.config.publicUrl);
      return toSignIn(c, "/dashboard/login", s.why);
    }
    const actor = await adminOfSession(deps, s.session.adminTokenId ?? "");
    if (actor?.type !== "admin") return toSignIn(c, "/dashboard/login", "revoked");
    await admitAdmin(deps, actor, min);
    const form = c.req.method === "POST" ? await checkedForm(c, s.session.csrf) : {};
    const user: WebUser = {
      kind: "admin",
      name: `${actor.name} (${actor.role})`,
      siteId: null,
      portalUserId: null,
    };
    c.set("actor", actor);
    c.set("web", { user, csrf: s.session.csrf, form });
    await next();
  };
}

/**
 * Portal pages: a portal session, and when the path names a site (`:siteId`), it must be the
 * user's own: any other site is a 404, exactly as if it did not exist.
 */
export function portalPage(deps: CloudDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const cookie = readWebCookie(c, COOKIE.portal);
    const s = await loadSession(deps.db, deps.clock, cookie, "portal");
    if (!s.ok) {
      if (cookie) clearWebCookie(c, COOKIE.portal, deps.config.publicUrl);
      return toSignIn(c, "/portal/login", s.why);
    }
    const [u] = await deps.db
      .select()
      .from(portalUsers)
      .where(and(eq(portalUsers.id, s.session.portalUserId ?? ""), isNull(portalUsers.disabledAt)));
    if (!u || u.siteId !== s.session.siteId) return toSignIn(c, "/portal/login", "revoked");
    const siteParam = c.req.param("siteId");
    if (siteParam !== undefined && siteParam !== u.siteId) throw pageNotFound();
    const form = c.req.method === "POST" ? await checkedForm(c, s.session.csrf) : {};
    // Portal users read through the same services as a read-only token scoped to their site.
    c.set("actor", {
      type: "admin",
      tokenId: `portal:${u.id}`,
      name: u.email,
      role: "read-only",
      siteId: u.siteId,
    });
    c.set("web", {
      user: { kind: "portal", name: u.name ?? u.email, siteId: u.siteId, portalUserId: u.id },
      csrf: s.session.csrf,
      form,
    });
    await next();
  };
}
