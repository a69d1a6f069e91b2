/**
 * The web area: MSP dashboard (/dashboard), client portal (/portal) and their sign-in flows,
 * server-rendered with Hono JSX. Mounted on the cloud app with one line in app.ts.
 */
import { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import verifier from "../transparency/kit/verify_kit.py" with { type: "text" };
import { APP_JS, APP_JS_PATH, VERIFIER_PATH } from "./assets.ts";
import { registerSignIn } from "./auth/routes.tsx";
import { registerDashboard } from "./dashboard/routes.tsx";
import type { WebEnv } from "./env.ts";
import { pageNotFound, webErrorPage } from "./errors.tsx";
import { webHeaders } from "./headers.ts";
import { logMailer } from "./mail/mailer.ts";
import type { WebOptions } from "./options.ts";
import { registerPortalProgram } from "./portal/program-routes.tsx";
import { registerPortal } from "./portal/routes.tsx";

/** Register the dashboard and the portal. Mail goes through `opts.mailer` (default: the log, no links). */
export function registerWeb(app: Hono<AppEnv>, deps: RouteDeps, opts?: WebOptions): void {
  const options = opts ?? { mailer: logMailer(deps.logger, { logLinks: false }) };
  const web = new Hono<WebEnv>();
  // Scoped to our own paths: a "*" middleware here would also wrap the agent and admin APIs.
  for (const p of ["/dashboard", "/dashboard/*", "/portal", "/portal/*", "/web/*"]) web.use(p, webHeaders);
  web.onError((err, c) => webErrorPage(err, c, deps.logger));
  web.get(APP_JS_PATH, (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    c.header("cache-control", "public, max-age=3600");
    return c.body(APP_JS);
  });
  // The auditor's verifier (the one inside every kit), public like any tool: it holds no secret.
  web.get(VERIFIER_PATH, (c) => {
    c.header("content-type", "text/x-python; charset=utf-8");
    c.header("content-disposition", 'attachment; filename="verify_kit.py"');
    c.header("cache-control", "public, max-age=3600");
    return c.body(verifier);
  });
  registerSignIn(web, deps, options);
  registerPortal(web, deps);
  registerPortalProgram(web, deps);
  registerDashboard(web, deps);
  // Anything else under our prefixes is a page people typed or followed: answer with the HTML 404.
  for (const p of ["/dashboard/*", "/portal/*"]) {
    web.all(p, () => {
      throw pageNotFound();
    });
  }
  app.route("/", web as unknown as Hono<AppEnv>);
}
