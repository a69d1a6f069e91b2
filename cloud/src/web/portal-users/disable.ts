import { and, eq, isNull } from "drizzle-orm";
import { writeAudit } from "../../audit/audit.ts";
import { assertSiteRole } from "../../auth/permissions.ts";
import type { ServiceCall } from "../../context.ts";
import { portalUsers, webSessions } from "../../db/schema/web.ts";
import { notFound } from "../../http/errors.ts";

/** Take portal access away from a person: the user is disabled and their open sessions end. */
export async function disablePortalUser({
  ctx,
  input,
}: ServiceCall<{ siteId: string; userId: string }>): Promise<void> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const done = await tx
      .update(portalUsers)
      .set({ disabledAt: now })
      .where(
        and(
          eq(portalUsers.id, input.userId),
          eq(portalUsers.siteId, input.siteId),
          isNull(portalUsers.disabledAt),
        ),
      )
      .returning({ id: portalUsers.id });
    if (done.length === 0) throw notFound(`no active portal user ${input.userId} at ${input.siteId}`);
    await tx
      .update(webSessions)
      .set({ revokedAt: now })
      .where(and(eq(webSessions.portalUserId, input.userId), isNull(webSessions.revokedAt)));
    await writeAudit(tx, ctx, {
      action: "portal-user.disable",
      target: `portal-user:${input.userId}`,
      siteId: input.siteId,
    });
  });
}
