import { eq } from "drizzle-orm";
import { canonicalBytes } from "../../../protocol/canonical.ts";
import { sealSecret } from "../../../protocol/seal.ts";
import type { TargetSecret } from "../../../protocol/targets.ts";
import { siteLiveAppliances } from "../appliances/live.ts";
import type { Db } from "../db/client.ts";
import { appliances } from "../db/schema/appliances.ts";
import { applianceSealKeys, targetCredentials } from "../db/schema/targets.ts";
import { conflict } from "../http/errors.ts";

/**
 * Seal a credential to every live appliance of the site that announced a key, replacing what each
 * held for the target. The plaintext exists only in this call's memory; what is stored is HPKE
 * ciphertext the cloud cannot open. A site with no appliance key yet is refused (nothing could
 * ever open the credential).
 */
export async function sealForSite(
  tx: Db,
  p: { siteId: string; targetId: string; version: number; secret: TargetSecret; now: Date },
): Promise<string[]> {
  const keys = await tx
    .select({ applianceId: applianceSealKeys.applianceId, publicKey: applianceSealKeys.publicKey })
    .from(applianceSealKeys)
    .innerJoin(appliances, eq(appliances.id, applianceSealKeys.applianceId))
    .where(siteLiveAppliances(p.siteId));
  if (keys.length === 0)
    throw conflict(
      `site ${p.siteId} has no appliance that announced its sealing key yet: enrol the appliance and let it check in, then enter the credential`,
    );
  const plaintext = canonicalBytes(p.secret);
  await tx.delete(targetCredentials).where(eq(targetCredentials.targetId, p.targetId));
  for (const k of keys) {
    const sealed = await sealSecret(plaintext, k.publicKey, {
      siteId: p.siteId,
      applianceId: k.applianceId,
      targetId: p.targetId,
      version: p.version,
    });
    await tx.insert(targetCredentials).values({
      targetId: p.targetId,
      applianceId: k.applianceId,
      version: p.version,
      sealed,
      createdAt: p.now,
    });
  }
  plaintext.fill(0);
  return keys.map((k) => k.applianceId);
}
