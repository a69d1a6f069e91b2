import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Actor, Role } from "../context.ts";
import { apiKeys, appliances } from "../db/schema/appliances.ts";
import { adminTokens } from "../db/schema/auth.ts";
import type { CloudDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { forbidden, unauthorized } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { assertSiteAccess, roleAtLeast } from "./permissions.ts";
import { bearerOf, hashSecret } from "./secrets.ts";

/** Resolve an appliance API key to its actor, or null when unknown, revoked or deleted. */
export async function applianceActor(deps: CloudDeps, secret: string): Promise<Actor | null> {
  const [row] = await deps.db
    .select({ keyId: apiKeys.id, applianceId: apiKeys.applianceId, siteId: apiKeys.siteId })
    .from(apiKeys)
    .innerJoin(appliances, eq(appliances.id, apiKeys.applianceId))
    .where(and(eq(apiKeys.hash, hashSecret(secret)), isNull(apiKeys.revokedAt), isNull(appliances.deletedAt)))
    .limit(1);
  return row
    ? { type: "appliance", applianceId: row.applianceId, siteId: row.siteId, apiKeyId: row.keyId }
    : null;
}

/** Resolve an admin bearer token to its actor, or null when unknown, revoked or expired. */
export async function adminActor(deps: CloudDeps, secret: string): Promise<Actor | null> {
  const [row] = await deps.db
    .select()
    .from(adminTokens)
    .where(and(eq(adminTokens.hash, hashSecret(secret)), isNull(adminTokens.revokedAt)))
    .limit(1);
  if (!row || (row.expiresAt && row.expiresAt <= deps.clock.now())) return null;
  return { type: "admin", tokenId: row.id, name: row.name, role: row.role as Role, siteId: row.siteId };
}

/** Agent routes: a valid appliance API key, then the per-appliance rate limit. */
export function requireAppliance(deps: CloudDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = bearerOf(c.req.header("authorization"));
    if (!secret) throw unauthorized("missing bearer API key (Authorization: Bearer <apiKey>)");
    const actor = await applianceActor(deps, secret);
    if (!actor || actor.type !== "appliance")
      throw unauthorized("API key is unknown, revoked or its appliance was deleted");
    c.set("actor", actor);
    await enforce(
      deps.db,
      deps.clock,
      `agent:${actor.applianceId}`,
      deps.config.rateLimits.agent,
      "agent requests",
    );
    await next();
  };
}

/**
 * Admin routes: a valid admin token of at least `min` role; when `siteParam` names a path
 * parameter, a site-scoped token may only reach that site. Privileged routes also take from the
 * stricter `privileged` budget.
 */
export function requireAdmin(
  deps: CloudDeps,
  min: Role,
  opts: { siteParam?: string; privileged?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = bearerOf(c.req.header("authorization"));
    if (!secret) throw unauthorized("missing bearer admin token (Authorization: Bearer <token>)");
    const actor = await adminActor(deps, secret);
    if (!actor || actor.type !== "admin") throw unauthorized("admin token is unknown, revoked or expired");
    c.set("actor", actor);
    await enforce(
      deps.db,
      deps.clock,
      `admin:${actor.tokenId}`,
      deps.config.rateLimits.admin,
      "admin requests",
    );
    if (!roleAtLeast(actor.role, min)) {
      throw forbidden(`this action needs role ${min} or above; token "${actor.name}" has ${actor.role}`);
    }
    // Routes without a site in the path check the scope in their service (object → its site).
    if (opts.siteParam !== undefined) assertSiteAccess(actor, c.req.param(opts.siteParam) ?? "");
    if (opts.privileged) {
      await enforce(
        deps.db,
        deps.clock,
        `privileged:${actor.tokenId}`,
        deps.config.rateLimits.privileged,
        "privileged admin actions",
      );
    }
    await next();
  };
}

// Kept importable from here as well: other areas imported them from this module first.
export { assertFleetWide, assertSiteAccess } from "./permissions.ts";
