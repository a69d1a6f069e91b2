import { eq } from "drizzle-orm";
import { signPayload } from "../../../protocol/signed.ts";
import type { SyncResponse } from "../../../protocol/sync.ts";
import type { ServiceContext } from "../context.ts";
import { sites } from "../db/schema/sites.ts";
import { forbidden, notFound } from "../http/errors.ts";
import { cloudKeyHistory, rotationChain } from "../keys/keyring.ts";
import { siteProgram } from "../program/evaluate.ts";
import { effectiveRuleSet } from "../rules/effective.ts";
import { siteConfigOf } from "../sites/view.ts";
import { targetSetFor } from "../targets/target-set.ts";

/**
 * The calling appliance's site config (with the exceptions in force) and L1 rule set, each signed by
 * the cloud key, and the chain of key rotations that leads an appliance to that key.
 */
export async function syncFor({ ctx }: { ctx: ServiceContext }): Promise<SyncResponse> {
  const actor = ctx.actor;
  if (actor.type !== "appliance") throw forbidden("only appliances sync");
  const [site] = await ctx.db.select().from(sites).where(eq(sites.id, actor.siteId));
  if (!site) throw notFound(`site ${actor.siteId} no longer exists`);
  const [rules, targets] = await Promise.all([
    effectiveRuleSet(ctx.db, actor.siteId),
    targetSetFor(ctx.db, actor.siteId, actor.applianceId),
  ]);
  const program = await siteProgram(ctx, actor.siteId);
  const cloudKeys = rotationChain(await cloudKeyHistory(ctx.db));
  const waivers = program.evaluation.exceptions.flatMap((e) =>
    e.state === "in-force" && e.target.kind === "check"
      ? [{ checkId: e.target.checkId, exceptionId: e.exceptionId, until: e.expiresOn }]
      : [],
  );
  return {
    config: signPayload({ ...siteConfigOf(site), waivers }, ctx.keys.secretKey),
    rules: signPayload(rules, ctx.keys.secretKey),
    targets: signPayload(targets, ctx.keys.secretKey),
    ...(cloudKeys.length > 0 ? { cloudKeys } : {}),
  };
}
