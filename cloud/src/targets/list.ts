import { and, asc, eq, inArray } from "drizzle-orm";
import { siteLiveAppliances } from "../appliances/live.ts";
import { assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { appliances } from "../db/schema/appliances.ts";
import { targetCredentials, targets } from "../db/schema/targets.ts";
import { notFound } from "../http/errors.ts";
import type { TargetList, TargetView } from "./schemas.ts";
import { targetsVersion } from "./site-version.ts";

async function views(db: Db, siteId: string, ids?: string[]): Promise<TargetView[]> {
  const rows = await db
    .select()
    .from(targets)
    .where(and(eq(targets.siteId, siteId), ids ? inArray(targets.id, ids) : undefined))
    .orderBy(asc(targets.host));
  if (rows.length === 0) return [];
  const [live, creds] = await Promise.all([
    db.select({ id: appliances.id }).from(appliances).where(siteLiveAppliances(siteId)),
    db
      .select({
        targetId: targetCredentials.targetId,
        applianceId: targetCredentials.applianceId,
        version: targetCredentials.version,
      })
      .from(targetCredentials)
      .where(
        inArray(
          targetCredentials.targetId,
          rows.map((r) => r.id),
        ),
      ),
  ]);
  return rows.map((t) => {
    const sealedFor = creds
      .filter((c) => c.targetId === t.id && c.version === t.credentialVersion)
      .map((c) => c.applianceId)
      .filter((a) => live.some((l) => l.id === a));
    return {
      id: t.id,
      siteId: t.siteId,
      spec: t.spec,
      credentialVersion: t.credentialVersion,
      sealedFor,
      missingFor: live.map((l) => l.id).filter((a) => !sealedFor.includes(a)),
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  });
}

/** One target of a site (no secret). */
export async function getTarget(db: Db, siteId: string, targetId: string): Promise<TargetView> {
  const [t] = await views(db, siteId, [targetId]);
  if (!t) throw notFound(`site ${siteId} has no target ${targetId}`);
  return t;
}

/** A site's targets and their version (no secret: credentials are ciphertext the cloud cannot open). */
export async function listTargets({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string };
}): Promise<TargetList> {
  assertSiteAccess(ctx.actor, input.siteId);
  return { version: await targetsVersion(ctx.db, input.siteId), targets: await views(ctx.db, input.siteId) };
}
