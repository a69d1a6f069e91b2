import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { CheckinRequest, CheckinResponse } from "../../../protocol/checkin.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";
import type { ServiceCall } from "../context.ts";
import { appliances } from "../db/schema/appliances.ts";
import { chainHeads } from "../db/schema/chain-heads.ts";
import { orders } from "../db/schema/orders.ts";
import { ruleSets } from "../db/schema/rules.ts";
import { sites } from "../db/schema/sites.ts";
import { siteTargets } from "../db/schema/targets.ts";
import { chainHeadRow } from "../evidence/chain-heads.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { recordSealKey } from "../targets/seal-key.ts";

/**
 * Record an appliance's check-in and tell it what changed (config, rules, orders, chain head).
 * `identityKey` is the appliance's public key as its API key was authenticated (the auth
 * middleware reads it in the same round trip), so a signed chain head is checked before anything
 * is written and stored in the same statement as the check-in.
 */
export async function checkin({
  ctx,
  input,
  identityKey,
}: ServiceCall<CheckinRequest> & { identityKey: string }): Promise<CheckinResponse> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances check in");
  const now = ctx.clock.now();
  const head = input.signedHead
    ? chainHeadRow({ ...actor, publicKey: identityKey }, input.signedHead, now)
    : null;
  // A data-modifying CTE runs whether or not the update reads it: one statement, one commit.
  const db = head
    ? ctx.db.with(
        ctx.db
          .$with("signed_head", {})
          .as(ctx.db.insert(chainHeads).values(head).onConflictDoNothing().getSQL()),
      )
    : ctx.db;
  // One round trip: record the check-in (and its signed head) and read back what the answer needs.
  const [row] = await db
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
