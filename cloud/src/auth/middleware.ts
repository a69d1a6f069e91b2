import { and, eq, isNull, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Actor, Role } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { rowsOf } from "../db/rows.ts";
import { apiKeys, appliances } from "../db/schema/appliances.ts";
import { adminTokens } from "../db/schema/auth.ts";
import { rateLimits } from "../db/schema/runtime.ts";
import type { CloudDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError, unauthorized } from "../http/errors.ts";
import { currentWindow, rateLimited } from "../ratelimit/limiter.ts";
import { admitAdmin, takePrivileged } from "./admit.ts";
import { assertSiteAccess } from "./permissions.ts";
import { bearerOf, hashSecret } from "./secrets.ts";

/** Resolve an admin bearer token to its actor, or null when unknown, revoked or expired. */
export async function adminActor(
  deps: CloudDeps,
  secret: string,
): Promise<Extract<Actor, { type: "admin" }> | null> {
  const [row] = await deps.db
    .select()
    .from(adminTokens)
    .where(and(eq(adminTokens.hash, hashSecret(secret)), isNull(adminTokens.revokedAt)))
    .limit(1);
  if (!row || (row.expiresAt && row.expiresAt <= deps.clock.now())) return null;
  return { type: "admin", tokenId: row.id, name: row.name, role: row.role as Role, siteId: row.siteId };
}

/**
 * Agent routes: a valid appliance API key, then the per-appliance rate limit, in one round trip
 * (a CTE looks the key up and counts the request against that appliance's window). The
 * appliance's identity key comes back too (the `identityKey` variable), so routes that check its
 * signatures need no second read.
 */
export function requireAppliance(deps: CloudDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = bearerOf(c.req.header("authorization"));
    if (!secret) throw unauthorized("missing bearer API key (Authorization: Bearer <apiKey>)");
    const policy = deps.config.rateLimits.agent;
    const { windowStart, retryAfterSec } = currentWindow(deps.clock, policy);
    const [row] = rowsOf<{
      key_id: string;
      appliance_id: string;
      site_id: string;
      public_key: string;
      count: string | number;
    }>(
      await deps.db.execute(sql`
        WITH k AS (
          SELECT ${apiKeys.id} AS key_id, ${apiKeys.applianceId} AS appliance_id, ${apiKeys.siteId} AS site_id,
            ${appliances.publicKey} AS public_key
          FROM ${apiKeys} JOIN ${appliances} ON ${appliances.id} = ${apiKeys.applianceId}
          WHERE ${apiKeys.hash} = ${hashSecret(secret)} AND ${apiKeys.revokedAt} IS NULL AND ${appliances.deletedAt} IS NULL
          LIMIT 1
        ), rl AS (
          INSERT INTO ${rateLimits} (bucket, window_start, count)
          SELECT 'agent:' || k.appliance_id, ${windowStart}, 1 FROM k
          ON CONFLICT (bucket, window_start) DO UPDATE SET count = ${rateLimits}.count + 1
          RETURNING count
        )
        SELECT k.key_id, k.appliance_id, k.site_id, k.public_key, rl.count FROM k CROSS JOIN rl`),
    );
    if (!row) throw unauthorized("API key is unknown, revoked or its appliance was deleted");
    c.set("actor", {
      type: "appliance",
      applianceId: row.appliance_id,
      siteId: row.site_id,
      apiKeyId: row.key_id,
    });
    c.set("identityKey", row.public_key);
    if (Number(row.count) > policy.limit) throw rateLimited("agent requests", policy, retryAfterSec);
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
    if (!actor) throw unauthorized("admin token is unknown, revoked or expired");
    c.set("actor", actor);
    try {
      await admitAdmin(deps, actor, min);
      // Routes without a site in the path check the scope in their service (object → its site).
      if (opts.siteParam !== undefined) assertSiteAccess(actor, c.req.param(opts.siteParam) ?? "");
    } catch (e) {
      // A refused privileged attempt is itself worth an audit row (a 429 is not a refusal of the caller).
      if (opts.privileged && !(e instanceof ApiError && e.status === 429)) {
        const ctx = { ...deps, actor, requestId: c.get("requestId") };
        await writeAudit(deps.db, ctx, {
          action: `${c.req.method} ${routePath(c)}`,
          target: c.req.path,
          siteId: actor.siteId,
          outcome: "denied",
        });
      }
      throw e;
    }
    if (opts.privileged) await takePrivileged(deps, actor);
    await next();
  };
}

// Kept importable from here as well: other areas imported them from this module first.
export { assertFleetWide, assertSiteAccess } from "./permissions.ts";
