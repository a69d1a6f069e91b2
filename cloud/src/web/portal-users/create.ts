import { and, eq } from "drizzle-orm";
import * as v from "valibot";
import { ShortText } from "../../../../protocol/common.ts";
import { writeAudit } from "../../audit/audit.ts";
import { assertSiteRole } from "../../auth/permissions.ts";
import { newId } from "../../auth/secrets.ts";
import type { ServiceCall } from "../../context.ts";
import { portalUsers } from "../../db/schema/web.ts";
import { conflict } from "../../http/errors.ts";
import { requireSite } from "../../sites/require.ts";
import { EmailAddress } from "../auth/magic-link.ts";

/** Invite a person of a clinic to its portal. */
export const PortalUserCreate = v.strictObject({
  siteId: v.string(),
  email: EmailAddress,
  name: v.optional(v.pipe(ShortText, v.trim(), v.maxLength(120))),
});
export type PortalUserCreate = v.InferOutput<typeof PortalUserCreate>;

/** Add a portal user to a site (msp-tech or above, within the token's site scope). */
export async function createPortalUser({
  ctx,
  input,
}: ServiceCall<PortalUserCreate>): Promise<{ id: string }> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  const id = newId("pu_");
  await ctx.db.transaction(async (tx) => {
    await requireSite(tx, input.siteId);
    const [dup] = await tx
      .select({ id: portalUsers.id })
      .from(portalUsers)
      .where(and(eq(portalUsers.siteId, input.siteId), eq(portalUsers.email, input.email)));
    if (dup) throw conflict(`${input.email} is already a portal user of ${input.siteId}`);
    await tx.insert(portalUsers).values({
      id,
      siteId: input.siteId,
      email: input.email,
      name: input.name || null,
      createdAt: ctx.clock.now(),
    });
    await writeAudit(tx, ctx, {
      action: "portal-user.create",
      target: `portal-user:${id}`,
      siteId: input.siteId,
      args: input,
    });
  });
  return { id };
}
