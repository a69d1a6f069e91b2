import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { CheckinRequest, CheckinResponse } from "../../../protocol/checkin.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";
import type { ServiceContext } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { orders } from "../db/schema/orders.ts";
import { sites } from "../db/schema/sites.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { effectiveRulesVersion } from "../rules/effective.ts";

/** Record an appliance's check-in and tell it what changed (config, rules, orders, chain head). */
export async function checkin({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CheckinRequest;
}): Promise<CheckinResponse> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances check in");
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(appliances)
    .set({
      lastCheckinAt: now,
      lastCheckin: input,
      agentVersion: input.agentVersion,
      hostname: input.hostname,
    })
    .where(eq(appliances.id, actor.applianceId))
    .returning({ chainSeq: appliances.chainSeq });
  if (!row) throw notFound(`appliance ${actor.applianceId} no longer exists`);
  const [counts] = await ctx.db
    .select({
      configVersion: sites.configVersion,
      pending: sql<number>`(SELECT count(*)::int FROM ${orders} WHERE ${and(
        eq(orders.applianceId, actor.applianceId),
        inArray(orders.state, ["pending"]),
        gt(orders.expiresAt, now),
      )})`,
    })
    .from(sites)
    .where(eq(sites.id, actor.siteId));
  return {
    serverTime: now.toISOString(),
    protocolVersion: PROTOCOL_VERSION,
    configVersion: counts?.configVersion ?? 0,
    rulesVersion: await effectiveRulesVersion(ctx.db, actor.siteId),
    pendingOrders: Number(counts?.pending ?? 0),
    chainSeq: Number(row.chainSeq),
  };
}
