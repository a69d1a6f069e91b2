import { eq } from "drizzle-orm";
import type { ProvisionCreate, ProvisionRecord } from "../../../protocol/provision.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { provisions } from "../db/schema/provisioning.ts";
import { conflict } from "../http/errors.ts";
import { requireSite } from "../sites/require.ts";
import { newEnrollCode } from "./code.ts";
import { provisionRecord } from "./view.ts";

/** Register a MAC for a site with a fresh one-time enroll code (msp-tech). */
export async function createProvision({
  ctx,
  input,
}: ServiceCall<ProvisionCreate & { mac: string }>): Promise<ProvisionRecord> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await requireSite(tx, input.siteId);
    const [existing] = await tx.select().from(provisions).where(eq(provisions.mac, input.mac));
    if (existing) {
      throw conflict(`MAC ${input.mac} is already provisioned for site ${existing.siteId}; DELETE it first`);
    }
    const [row] = await tx
      .insert(provisions)
      .values({
        mac: input.mac,
        siteId: input.siteId,
        applianceName: input.applianceName ?? null,
        enrollCode: newEnrollCode(),
        createdAt: now,
        expiresAt: new Date(now.getTime() + ctx.config.provisionTtlSec * 1000),
      })
      .returning();
    await writeAudit(tx, ctx, {
      action: "provision.create",
      target: `mac:${input.mac}`,
      siteId: input.siteId,
      args: input,
    });
    return provisionRecord(row!, ctx.config.publicUrl);
  });
}
