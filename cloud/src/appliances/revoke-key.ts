import { and, eq, isNull } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { apiKeys } from "../db/schema/appliances.ts";
import { notFound } from "../http/errors.ts";
import { findAppliance } from "./find.ts";

/** Revoke one API key of an appliance (msp-admin, privileged). */
export async function revokeApiKey({
  ctx,
  input,
}: ServiceCall<{ applianceId: string; apiKeyId: string }>): Promise<{ apiKeyId: string; revoked: true }> {
  assertRole(ctx.actor, "msp-admin");
  return ctx.db.transaction(async (tx) => {
    const app = await findAppliance(tx, ctx, input.applianceId);
    const rows = await tx
      .update(apiKeys)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(apiKeys.id, input.apiKeyId), eq(apiKeys.applianceId, app.id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (rows.length === 0) throw notFound(`appliance ${app.id} has no active API key "${input.apiKeyId}"`);
    await writeAudit(tx, ctx, {
      action: "apikey.revoke",
      target: `apikey:${input.apiKeyId}`,
      siteId: app.siteId,
      args: input,
    });
    return { apiKeyId: input.apiKeyId, revoked: true };
  });
}
