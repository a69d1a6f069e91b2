import type { Context } from "hono";
import type { ServiceContext } from "../context.ts";
import type { CloudDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";

/** Who is signed in to a web page, as the page shows it. */
export interface WebUser {
  kind: "admin" | "portal";
  name: string;
  /** The portal user's own site (portal sessions only). */
  siteId: string | null;
  portalUserId: string | null;
}

/** Per-request variables of the web area, on top of the cloud's (requestId, actor). */
export interface WebVars {
  user: WebUser;
  /** The session's CSRF token, to put in every form. */
  csrf: string;
  /** The POSTed form fields (string values only), already CSRF-checked. */
  form: Record<string, string>;
}

/** Hono environment of the web area. */
export interface WebEnv {
  Variables: AppEnv["Variables"] & { web: WebVars };
}

/** The service context of a web request: the signed-in person as actor. */
export function webCtx(c: Context<WebEnv>, deps: CloudDeps): ServiceContext {
  return { ...deps, actor: c.get("actor"), requestId: c.get("requestId") };
}
