import { and, isNull, lt, or } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { retireAppliances } from "./delete.ts";
import { siteLiveAppliances } from "./live.ts";

/**
 * clear-stale: retire every appliance of a site silent for longer than `olderThanSec` (default
 * config.staleAfterSec); one that never checked in counts from its creation. msp-admin, privileged.
 */
export async function clearStale({
  ctx,
  input,
}: ServiceCall<{ siteId: string; olderThanSec?: number }>): Promise<{ cleared: string[] }> {
  assertSiteRole(ctx.actor, "msp-admin", input.siteId);
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - (input.olderThanSec ?? ctx.config.staleAfterSec) * 1000);
  return ctx.db.transaction(async (tx) => {
    const stale = await tx
      .select({ id: appliances.id })
      .from(appliances)
      .where(
        siteLiveAppliances(
          input.siteId,
          or(
            lt(appliances.lastCheckinAt, cutoff),
            and(isNull(appliances.lastCheckinAt), lt(appliances.createdAt, cutoff)),
          ),
        ),
      )
      .for("update");
    const ids = stale.map((s) => s.id).sort();
    await retireAppliances(tx, now, ids);
    await writeAudit(tx, ctx, {
      action: "appliance.clear-stale",
      target: `site:${input.siteId}`,
      siteId: input.siteId,
      args: { ...input, cleared: ids },
    });
    return { cleared: ids };
  });
}
