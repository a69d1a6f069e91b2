import { and, eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { targets } from "../db/schema/targets.ts";
import { notFound } from "../http/errors.ts";
import { bumpTargetsVersion } from "./site-version.ts";

/** Remove a target and its sealed credentials (msp-tech); appliances drop it at their next sync. */
export async function deleteTarget({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; targetId: string };
}): Promise<{ id: string; deleted: true }> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  await ctx.db.transaction(async (tx) => {
    const gone = await tx
      .delete(targets)
      .where(and(eq(targets.id, input.targetId), eq(targets.siteId, input.siteId)))
      .returning({ id: targets.id });
    if (gone.length === 0) throw notFound(`site ${input.siteId} has no target ${input.targetId}`);
    await bumpTargetsVersion(tx, input.siteId);
    await writeAudit(tx, ctx, {
      action: "target.delete",
      target: `target:${input.targetId}`,
      siteId: input.siteId,
    });
  });
  return { id: input.targetId, deleted: true };
}
