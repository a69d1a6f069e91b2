import { and, asc, eq, isNull } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { adminTokens } from "../db/schema/auth.ts";
import { notFound } from "../http/errors.ts";

/** Revoke an admin token (fleet-wide msp-admin). */
export async function revokeToken({ ctx, input }: { ctx: ServiceContext; input: { tokenId: string } }) {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(adminTokens)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(adminTokens.id, input.tokenId), isNull(adminTokens.revokedAt)))
      .returning({ siteId: adminTokens.siteId });
    if (rows.length === 0) throw notFound(`no active token "${input.tokenId}"`);
    await writeAudit(tx, ctx, {
      action: "token.revoke",
      target: `token:${input.tokenId}`,
      siteId: rows[0]!.siteId,
      args: input,
    });
    return { id: input.tokenId, revoked: true as const };
  });
}

/** Admin tokens (never their secrets), fleet-wide msp-admin. */
export async function listTokens({ ctx }: { ctx: ServiceContext }) {
  assertRole(ctx.actor, "msp-admin");
  assertFleetWide(ctx.actor);
  const rows = await ctx.db.select().from(adminTokens).orderBy(asc(adminTokens.createdAt));
  return {
    tokens: rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      siteId: r.siteId,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      revokedAt: r.revokedAt?.toISOString() ?? null,
    })),
  };
}
