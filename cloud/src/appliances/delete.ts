import { and, inArray, isNull } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import type { Db } from "../db/client.ts";
import { apiKeys, appliances } from "../db/schema/appliances.ts";
import { orders } from "../db/schema/orders.ts";
import { provisionClaims, provisions } from "../db/schema/provisioning.ts";
import { findAppliance } from "./find.ts";

/**
 * Retire appliances inside a transaction: mark deleted, revoke their API keys, expire their open
 * orders, and free the MAC registrations they enrolled with (so the box can be registered and
 * enrolled again). Their evidence stays (append-only) and remains verifiable.
 */
export async function retireAppliances(tx: Db, now: Date, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(appliances).set({ deletedAt: now }).where(inArray(appliances.id, ids));
  const freed = await tx
    .delete(provisions)
    .where(inArray(provisions.applianceId, ids))
    .returning({ mac: provisions.mac });
  if (freed.length > 0) {
    await tx.delete(provisionClaims).where(
      inArray(
        provisionClaims.mac,
        freed.map((f) => f.mac),
      ),
    );
  }
  await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(inArray(apiKeys.applianceId, ids), isNull(apiKeys.revokedAt)));
  await tx
    .update(orders)
    .set({ state: "expired" })
    .where(
      and(
        inArray(orders.applianceId, ids),
        inArray(orders.state, ["pending", "pending-approval", "acknowledged"]),
      ),
    );
}

/** delete-appliance (msp-admin, privileged). */
export async function deleteAppliance({ ctx, input }: ServiceCall<{ applianceId: string }>) {
  assertRole(ctx.actor, "msp-admin");
  return ctx.db.transaction(async (tx) => {
    const app = await findAppliance(tx, ctx, input.applianceId);
    await retireAppliances(tx, ctx.clock.now(), [app.id]);
    await writeAudit(tx, ctx, {
      action: "appliance.delete",
      target: `appliance:${app.id}`,
      siteId: app.siteId,
      args: input,
    });
    return { applianceId: app.id, deleted: true as const };
  });
}
