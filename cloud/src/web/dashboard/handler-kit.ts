/**
 * What every dashboard handler module shares: the admin-session guard with a minimum role, the
 * redirect back to a page with a `done` message, and the privileged-action budget.
 */
import type { Context } from "hono";
import type { Role } from "../../actor.ts";
import { takePrivileged } from "../../auth/admit.ts";
import type { CloudDeps } from "../../deps.ts";
import { adminPage } from "../auth/guard.ts";
import type { WebEnv } from "../env.ts";

/** The admin-session guard for this app, taking the minimum role a page or action needs. */
export const guard =
  (deps: CloudDeps) =>
  (min: Role = "read-only") =>
    adminPage(deps, min);

/** Redirect back to a page with a `done` message code. */
export const back = (c: Context, to: string, done: string) =>
  c.redirect(`${to}${to.includes("?") ? "&" : "?"}done=${done}`, 303);

/** The `done` message code a page was redirected with, if any. */
export const done = (c: Context<WebEnv>) => c.req.query("done");

/** Privileged web actions take from the same per-token budget as the privileged API routes. */
export const privileged = (c: Context<WebEnv>, deps: CloudDeps) => takePrivileged(deps, c.get("actor"));
