import { sql } from "drizzle-orm";
import type { L1Rule } from "../../../protocol/rules.ts";
import { actorLabel } from "../actor.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertRole, assertSiteAccess } from "../auth/permissions.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import type { Tx } from "../db/client.ts";
import { ruleSets } from "../db/schema/rules.ts";

/**
 * Publish a new version of the L1 rules, fleet-wide (`siteId` null) or for one site. Each publish
 * is a new row with the next fleet-wide version; appliances pick it up at their next sync, signed.
 * Used by the admin API and by the learning loop's promotions.
 */
export async function publishRuleSet({
  ctx,
  input,
}: ServiceCall<{ siteId: string | null; rules: L1Rule[] }>): Promise<{ version: number }> {
  assertRole(ctx.actor, "msp-admin");
  if (input.siteId === null) assertFleetWide(ctx.actor);
  else assertSiteAccess(ctx.actor, input.siteId);
  return ctx.db.transaction((tx) => insertRuleSet(tx, ctx, input));
}

/**
 * Serialise rule-set publishers until the transaction ends. A caller that derives the new set from
 * the current one (a promotion) takes it before reading, so two publishes never lose each other's rules.
 */
export async function lockRuleSets(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(727002)`);
}

/** Insert the next rule-set version inside the caller's transaction (the caller checked permissions). */
export async function insertRuleSet(
  tx: Tx,
  ctx: ServiceContext,
  input: { siteId: string | null; rules: L1Rule[] },
): Promise<{ version: number }> {
  // Versions stay unique and increasing.
  await lockRuleSets(tx);
  const [max] = await tx
    .select({ v: sql<number>`coalesce(max(${ruleSets.version}), 0)::int` })
    .from(ruleSets);
  const version = Number(max?.v ?? 0) + 1;
  await tx.insert(ruleSets).values({
    id: newId("rs_"),
    siteId: input.siteId,
    version,
    rules: input.rules,
    publishedBy: actorLabel(ctx.actor),
    createdAt: ctx.clock.now(),
  });
  await writeAudit(tx, ctx, {
    action: "rules.publish",
    target: input.siteId ? `site:${input.siteId}` : "fleet",
    siteId: input.siteId,
    args: input,
  });
  return { version };
}
