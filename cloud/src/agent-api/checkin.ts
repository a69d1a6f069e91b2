import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { CheckinRequest, CheckinResponse } from "../../../protocol/checkin.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { orders } from "../db/schema/orders.ts";
import { ruleSets } from "../db/schema/rules.ts";
import { sites } from "../db/schema/sites.ts";
import { siteTargets } from "../db/schema/targets.ts";
import { recordChainHead } from "../evidence/chain-heads.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { recordSealKey } from "../targets/seal-key.ts";

/** Record an appliance's check-in and tell it what changed (config, rules, orders, chain head). */
export async function checkin({ ctx, input }: ServiceCall<CheckinRequest>): Promise<CheckinResponse> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances check in");
  const now = ctx.clock.now();
  // One round trip: record the check-in and read back everything the answer needs.
  const [row] = await ctx.db
    .update(appliances)
    .set({
      lastCheckinAt: now,
      lastCheckin: input,
      agentVersion: input.agentVersion,
      hostname: input.hostname,
    })
    .where(eq(appliances.id, actor.applianceId))
    .returning({
      chainSeq: appliances.chainSeq,
      publicKey: appliances.publicKey,
      configVersion: sql<number>`(SELECT ${sites.configVersion} FROM ${sites} WHERE ${sites.id} = ${appliances.siteId})`,
      pending: sql<number>`(SELECT count(*)::int FROM ${orders} WHERE ${and(
        eq(orders.applianceId, actor.applianceId),
        eq(orders.state, "pending"),
        gt(orders.expiresAt, now),
      )})`,
      targetsVersion: sql<number>`(SELECT coalesce(max(${siteTargets.version}), 0)::int FROM ${siteTargets} WHERE ${siteTargets.siteId} = ${appliances.siteId})`,
      rulesVersion: sql<number>`(SELECT coalesce(max(${ruleSets.version}), 0)::int FROM ${ruleSets} WHERE ${or(
        isNull(ruleSets.siteId),
        eq(ruleSets.siteId, actor.siteId),
      )})`,
    });
  if (!row) throw notFound(`appliance ${actor.applianceId} no longer exists`);
  if (input.sealKey) await recordSealKey(ctx.db, actor, input.sealKey, now);
  if (input.signedHead)
    await recordChainHead(
      ctx.db,
      { siteId: actor.siteId, applianceId: actor.applianceId, publicKey: row.publicKey },
      input.signedHead,
      now,
    );
  return {
    serverTime: now.toISOString(),
    protocolVersion: PROTOCOL_VERSION,
    configVersion: Number(row.configVersion ?? 0),
    rulesVersion: Number(row.rulesVersion ?? 0),
    pendingOrders: Number(row.pending ?? 0),
    chainSeq: Number(row.chainSeq),
    targetsVersion: Number(row.targetsVersion ?? 0),
    cloudKeyId: ctx.keys.keyId,
  };
}
