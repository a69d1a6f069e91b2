/** Sign-in and sign-out of the dashboard (admin token → session) and the portal (magic link → session). */
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { adminActor } from "../../auth/middleware.ts";
import { countFailedSignIn } from "../../auth/sign-in-limit.ts";
import type { CloudDeps } from "../../deps.ts";
import { requestAddress } from "../../http/client-address.ts";
import { ApiError } from "../../http/errors.ts";
import type { WebEnv } from "../env.ts";
import { pageNotFound, WebError } from "../errors.tsx";
import type { WebOptions } from "../options.ts";
import { COOKIE, clearWebCookie, readWebCookie, setWebCookie } from "./cookies.ts";
import { newPreSessionToken } from "./csrf.ts";
import { adminPage, checkedForm, portalPage } from "./guard.ts";
import {
  consumeMagicLink,
  EmailAddress,
  looksLikeToken,
  MAGIC_PATH,
  requestMagicLinks,
} from "./magic-link.ts";
import { AdminSignIn, CheckInbox, ConfirmMagicLink, PortalSignIn, whyText } from "./pages.tsx";
import { createSession, revokeSession, SESSION_MAX_SEC } from "./sessions.ts";

const PRE_COOKIE_SEC = 3600;

/** The pre-session token of this browser, set as a cookie when missing. */
function preToken(c: Context, deps: CloudDeps): string {
  const have = readWebCookie(c, COOKIE.pre);
  if (have && /^[A-Za-z0-9_-]{32}$/.test(have)) return have;
  const t = newPreSessionToken();
  setWebCookie(c, COOKIE.pre, t, deps.config.publicUrl, PRE_COOKIE_SEC);
  return t;
}

/** Only local dashboard paths are followed after sign-in (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/dashboard(\/[A-Za-z0-9._~%/-]*)?$/.test(next) ? next : "/dashboard";
}

/** Register sign-in/out routes of both audiences. */
export function registerSignIn(web: Hono<WebEnv>, deps: CloudDeps, opts: WebOptions): void {
  web.get("/dashboard/login", (c) =>
    c.html(
      <AdminSignIn pre={preToken(c, deps)} next={c.req.query("next")} why={whyText(c.req.query("why"))} />,
    ),
  );

  web.post("/dashboard/login", async (c) => {
    const form = await checkedForm(c, readWebCookie(c, COOKIE.pre));
    const token = (form.token ?? "").trim();
    // The token is checked first: a right one signs in whatever wrong ones did from the same
    // address; wrong ones are limited per address and per token prefix (429 past the limit).
    const actor = await adminActor(deps, token);
    if (actor?.type !== "admin") {
      await countFailedSignIn(deps, "web-login", { address: requestAddress(c, deps.config), secret: token });
      deps.logger.warn("dashboard: sign-in refused", { requestId: c.get("requestId") });
      return c.html(
        <AdminSignIn
          pre={preToken(c, deps)}
          next={form.next}
          error="That token is unknown, revoked or expired."
        />,
        401,
      );
    }
    const s = await createSession(deps.db, deps.clock, { kind: "admin", adminTokenId: actor.tokenId });
    setWebCookie(c, COOKIE.admin, s.cookie, deps.config.publicUrl, SESSION_MAX_SEC);
    deps.logger.info("dashboard: signed in", { tokenId: actor.tokenId, requestId: c.get("requestId") });
    return c.redirect(safeNext(form.next), 303);
  });

  web.post("/dashboard/logout", adminPage(deps), async (c) => {
    const cookie = readWebCookie(c, COOKIE.admin);
    if (cookie) await revokeSession(deps.db, deps.clock, cookie);
    clearWebCookie(c, COOKIE.admin, deps.config.publicUrl);
    return c.redirect("/dashboard/login?why=signed-out", 303);
  });

  web.get("/portal/login", (c) =>
    c.html(<PortalSignIn pre={preToken(c, deps)} why={whyText(c.req.query("why"))} />),
  );

  web.post("/portal/login", async (c) => {
    const form = await checkedForm(c, readWebCookie(c, COOKIE.pre));
    const email = v.safeParse(EmailAddress, form.email ?? "");
    if (!email.success) {
      return c.html(
        <PortalSignIn
          pre={preToken(c, deps)}
          email={form.email}
          error="Please enter an e-mail address like name@clinic.example."
        />,
        400,
      );
    }
    try {
      await requestMagicLinks(deps, opts.mailer, email.output);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        throw new WebError(
          429,
          "Slow down",
          "Several links were sent to this address recently. Use the latest one or try again in 15 minutes.",
        );
      }
      // Mail trouble is the MSP's to fix; the person still gets the same neutral page.
      deps.logger.error("portal: sign-in link not sent", {
        error: (e as Error).message,
        requestId: c.get("requestId"),
      });
    }
    return c.html(<CheckInbox email={email.output} />);
  });

  web.get(`${MAGIC_PATH}/:token`, (c) => {
    const token = c.req.param("token");
    if (!looksLikeToken(token)) throw pageNotFound();
    return c.html(<ConfirmMagicLink pre={preToken(c, deps)} token={token} />);
  });

  web.post(MAGIC_PATH, async (c) => {
    const form = await checkedForm(c, readWebCookie(c, COOKIE.pre));
    const used = await consumeMagicLink(deps.db, deps.clock, form.token ?? "");
    if (!used) {
      // Like the dashboard: a working link is never refused; dead ones are limited per address/prefix.
      await countFailedSignIn(deps, "magic-link-use", {
        address: requestAddress(c, deps.config),
        secret: form.token ?? "",
      });
      throw new WebError(
        410,
        "Get a new sign-in link",
        "Enter your e-mail address on the sign-in page and a new link arrives in a minute. This one no longer works: sign-in links work once and expire after 15 minutes.",
        { href: "/portal/login", label: "Send me a new sign-in link" },
      );
    }
    const s = await createSession(deps.db, deps.clock, {
      kind: "portal",
      portalUserId: used.userId,
      siteId: used.siteId,
    });
    setWebCookie(c, COOKIE.portal, s.cookie, deps.config.publicUrl, SESSION_MAX_SEC);
    clearWebCookie(c, COOKIE.pre, deps.config.publicUrl);
    return c.redirect(`/portal/s/${encodeURIComponent(used.siteId)}`, 303);
  });

  web.post("/portal/logout", portalPage(deps), async (c) => {
    const cookie = readWebCookie(c, COOKIE.portal);
    if (cookie) await revokeSession(deps.db, deps.clock, cookie);
    clearWebCookie(c, COOKIE.portal, deps.config.publicUrl);
    return c.redirect("/portal/login?why=signed-out", 303);
  });
}
