import type { Actor, Role } from "../actor.ts";
import type { CloudDeps } from "../deps.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { assertRole } from "./permissions.ts";

type AdminActor = Extract<Actor, { type: "admin" }>;

const BUDGET_NAME = { admin: "admin requests", privileged: "privileged admin actions" } as const;

/** Take one from a token's `admin` or `privileged` budget (429 with Retry-After past it). */
function take(deps: CloudDeps, actor: AdminActor, budget: keyof typeof BUDGET_NAME): Promise<void> {
  const policy = deps.config.rateLimits[budget];
  return enforce(deps.db, deps.clock, `${budget}:${actor.tokenId}`, policy, BUDGET_NAME[budget]);
}

/**
 * Admit an admin caller (API token or dashboard session alike): count the request against the
 * token's admin budget (429 past it), then require at least role `min` (403).
 */
export async function admitAdmin(deps: CloudDeps, actor: AdminActor, min: Role): Promise<void> {
  await take(deps, actor, "admin");
  assertRole(actor, min);
}

/** Take one privileged action from the token's privileged budget; shared by API and dashboard. */
export async function takePrivileged(deps: CloudDeps, actor: Actor): Promise<void> {
  if (actor.type === "admin") await take(deps, actor, "privileged");
}
