import { eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { provisionClaims, provisions } from "../db/schema/provisioning.ts";
import { notFound } from "../http/errors.ts";

/** Remove a MAC's provisioning record and its claims (msp-tech, within the token's site). */
export async function deleteProvision({ ctx, input }: { ctx: ServiceContext; input: { mac: string } }) {
  assertRole(ctx.actor, "msp-tech");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(provisions).where(eq(provisions.mac, input.mac));
    if (!row) throw notFound(`MAC ${input.mac} is not provisioned`);
    assertSiteAccess(ctx.actor, row.siteId);
    await tx.delete(provisions).where(eq(provisions.mac, input.mac));
    await tx.delete(provisionClaims).where(eq(provisionClaims.mac, input.mac));
    await writeAudit(tx, ctx, {
      action: "provision.delete",
      target: `mac:${input.mac}`,
      siteId: row.siteId,
      args: input,
    });
    return { mac: input.mac, deleted: true };
  });
}
