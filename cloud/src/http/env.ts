import type { Context } from "hono";
import type { Actor } from "../actor.ts";
import type { ServiceContext } from "../context.ts";
import type { CloudDeps } from "../deps.ts";

/** Hono environment of the cloud app: per-request variables set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the auth middleware of routes that need a caller. */
    actor: Actor;
    /** On appliance routes: the appliance's identity public key (hex), read with its API key. */
    identityKey: string;
  };
}

/** Build the service context for the current request. */
export function serviceContext(c: Context<AppEnv>, deps: CloudDeps): ServiceContext {
  return { ...deps, actor: c.get("actor"), requestId: c.get("requestId") };
}
