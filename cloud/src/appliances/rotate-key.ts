import { and, eq, isNull, ne } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { apiKeys } from "../db/schema/appliances.ts";
import { findAppliance } from "./find.ts";
import { issueApiKey } from "./register.ts";

/**
 * Issue a new API key for an appliance (msp-admin, privileged). With `revokeOthers` every other
 * key stops working at once; otherwise the old key keeps working until revoked, for a hand-over.
 */
export async function rotateApiKey({
  ctx,
  input,
}: ServiceCall<{ applianceId: string; revokeOthers: boolean }>): Promise<{
  applianceId: string;
  apiKeyId: string;
  apiKey: string;
}> {
  assertRole(ctx.actor, "msp-admin");
  return ctx.db.transaction(async (tx) => {
    const app = await findAppliance(tx, ctx, input.applianceId);
    const now = ctx.clock.now();
    const issued = await issueApiKey(tx, now, app.siteId, app.id);
    if (input.revokeOthers) {
      await tx
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(
          and(eq(apiKeys.applianceId, app.id), ne(apiKeys.id, issued.apiKeyId), isNull(apiKeys.revokedAt)),
        );
    }
    await writeAudit(tx, ctx, {
      action: "apikey.rotate",
      target: `appliance:${app.id}`,
      siteId: app.siteId,
      args: input,
    });
    return { applianceId: app.id, ...issued };
  });
}
