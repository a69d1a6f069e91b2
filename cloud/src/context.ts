import type { Actor } from "./actor.ts";
import type { CloudDeps } from "./deps.ts";

/** The context every service verb receives as `ctx`: dependencies, actor, request id. */
export interface ServiceContext extends CloudDeps {
  actor: Actor;
  requestId: string | null;
}

/** What a service verb receives: the caller's context and its parsed input. */
export interface ServiceCall<I> {
  ctx: ServiceContext;
  input: I;
}
