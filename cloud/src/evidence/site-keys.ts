import { asc, eq } from "drizzle-orm";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { applianceKeys } from "../db/schema/appliances.ts";

/** Every identity public key the appliances of a site have registered (including rotated ones). */
export async function siteKeyRows(db: Db, siteId: string) {
  return db
    .select({
      applianceId: applianceKeys.applianceId,
      keyId: applianceKeys.keyId,
      publicKey: applianceKeys.publicKey,
      createdAt: applianceKeys.createdAt,
    })
    .from(applianceKeys)
    .where(eq(applianceKeys.siteId, siteId))
    .orderBy(asc(applianceKeys.applianceId), asc(applianceKeys.createdAt));
}

/** A site's appliance keys plus the cloud's own key, as the verification endpoints show them. */
export async function siteKeys({ ctx, input }: { ctx: ServiceContext; input: { siteId: string } }) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const rows = await siteKeyRows(ctx.db, input.siteId);
  return {
    siteId: input.siteId,
    cloud: { keyId: ctx.keys.keyId, publicKey: ctx.keys.publicKey },
    appliances: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
  };
}
