import { and, eq, sql } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import { newId } from "../auth/secrets.ts";
import type { ServiceContext } from "../context.ts";
import { targets } from "../db/schema/targets.ts";
import { conflict } from "../http/errors.ts";
import { requireSite } from "../sites/require.ts";
import { getTarget } from "./list.ts";
import type { TargetCreate, TargetView } from "./schemas.ts";
import { sealForSite } from "./seal-for-site.ts";
import { assertSecretFits, auditArgs } from "./secret-kind.ts";
import { bumpTargetsVersion } from "./site-version.ts";

/** Enter a target and its credential (msp-tech): sealed to the site's appliances, delivered at their next sync. */
export async function createTarget({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string } & TargetCreate;
}): Promise<TargetView> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  assertSecretFits(input.spec, input.secret);
  const id = newId("tgt_");
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await requireSite(tx, input.siteId);
    const [dup] = await tx
      .select({ id: targets.id })
      .from(targets)
      .where(
        and(eq(targets.siteId, input.siteId), eq(sql`lower(${targets.host})`, input.spec.host.toLowerCase())),
      );
    if (dup) throw conflict(`site ${input.siteId} already has target ${dup.id} for ${input.spec.host}`);
    await tx.insert(targets).values({
      id,
      siteId: input.siteId,
      kind: input.spec.kind,
      host: input.spec.host,
      spec: input.spec,
      credentialVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    await sealForSite(tx, { siteId: input.siteId, targetId: id, version: 1, secret: input.secret, now });
    await bumpTargetsVersion(tx, input.siteId);
    await writeAudit(tx, ctx, {
      action: "target.create",
      target: `target:${id}`,
      siteId: input.siteId,
      args: auditArgs(input.spec, input.secret),
    });
  });
  return getTarget(ctx.db, input.siteId, id);
}
