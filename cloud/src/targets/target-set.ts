import { and, eq } from "drizzle-orm";
import type { TargetSet } from "../../../protocol/targets.ts";
import type { Db } from "../db/client.ts";
import { targetCredentials, targets } from "../db/schema/targets.ts";
import { targetsVersion } from "./site-version.ts";

/**
 * The targets one appliance receives at sync: each with its current credential sealed to that
 * appliance. A target whose credential was never sealed to it (its key came later) is left out
 * until a technician enters the credential again.
 */
export async function targetSetFor(db: Db, siteId: string, applianceId: string): Promise<TargetSet> {
  const rows = await db
    .select({ t: targets, c: targetCredentials })
    .from(targets)
    .innerJoin(
      targetCredentials,
      and(
        eq(targetCredentials.targetId, targets.id),
        eq(targetCredentials.applianceId, applianceId),
        eq(targetCredentials.version, targets.credentialVersion),
      ),
    )
    .where(eq(targets.siteId, siteId))
    .orderBy(targets.id);
  return {
    siteId,
    applianceId,
    version: await targetsVersion(db, siteId),
    targets: rows.map(({ t, c }) => ({
      id: t.id,
      spec: t.spec,
      credentialVersion: t.credentialVersion,
      credential: c.sealed,
    })),
  };
}
