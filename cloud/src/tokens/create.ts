import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole } from "../auth/permissions.ts";
import { ADMIN_TOKEN_PREFIX, hashSecret, newId, newSecret } from "../auth/secrets.ts";
import type { ServiceCall } from "../context.ts";
import { adminTokens } from "../db/schema/auth.ts";
import { requireSite } from "../sites/require.ts";
import type { TokenCreate, TokenIssued } from "./schemas.ts";

/** Issue an admin token (fleet-wide msp-admin only); the secret is returned once and stored hashed. */
export async function createToken({ ctx, input }: ServiceCall<TokenCreate>): Promise<TokenIssued> {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  const token = newSecret(ADMIN_TOKEN_PREFIX);
  const id = newId("tok_");
  const now = ctx.clock.now();
  const expiresAt = input.expiresInSec ? new Date(now.getTime() + input.expiresInSec * 1000) : null;
  const siteId = input.siteId ?? null;
  await ctx.db.transaction(async (tx) => {
    if (siteId !== null) {
      await requireSite(tx, siteId);
    }
    await tx.insert(adminTokens).values({
      id,
      hash: hashSecret(token),
      name: input.name,
      role: input.role,
      siteId,
      createdAt: now,
      expiresAt,
    });
    await writeAudit(tx, ctx, { action: "token.create", target: `token:${id}`, siteId, args: input });
  });
  return {
    id,
    token,
    name: input.name,
    role: input.role,
    siteId,
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}
