import { and, eq, isNull } from "drizzle-orm";
import { assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { appliances } from "../db/schema/appliances.ts";
import { notFound } from "../http/errors.ts";

/** A live appliance the actor may act on, or 404/403. */
export async function findAppliance(db: Db, ctx: ServiceContext, applianceId: string) {
  const [row] = await db
    .select()
    .from(appliances)
    .where(and(eq(appliances.id, applianceId), isNull(appliances.deletedAt)));
  if (!row) throw notFound(`no appliance "${applianceId}"`);
  assertSiteAccess(ctx.actor, row.siteId);
  return row;
}
