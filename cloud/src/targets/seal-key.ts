import { and, eq } from "drizzle-orm";
import { sealKeyId } from "../../../protocol/seal.ts";
import { type SealKeyAnnouncement, verifySealKey } from "../../../protocol/targets.ts";
import type { Db } from "../db/client.ts";
import { appliances } from "../db/schema/appliances.ts";
import { applianceSealKeys } from "../db/schema/targets.ts";
import { badRequest } from "../http/errors.ts";

/**
 * Record the X25519 key an appliance announced at checkin, once its identity key's signature over
 * it verifies. A changed key replaces the old one; credentials sealed to the old key no longer
 * reach the appliance until re-entered (the cloud cannot re-seal what it cannot open).
 */
export async function recordSealKey(
  db: Db,
  appliance: { applianceId: string; siteId: string },
  a: SealKeyAnnouncement,
  now: Date,
): Promise<void> {
  const [known] = await db
    .select({ publicKey: applianceSealKeys.publicKey })
    .from(applianceSealKeys)
    .where(eq(applianceSealKeys.applianceId, appliance.applianceId));
  if (known?.publicKey === a.publicKey) return;
  const [row] = await db
    .select({ publicKey: appliances.publicKey })
    .from(appliances)
    .where(and(eq(appliances.id, appliance.applianceId)));
  if (!row || !verifySealKey(a, row.publicKey))
    throw badRequest("sealKey: the signature does not verify against this appliance's identity key");
  const values = {
    applianceId: appliance.applianceId,
    siteId: appliance.siteId,
    publicKey: a.publicKey,
    keyId: sealKeyId(a.publicKey),
    signature: a.signature,
    updatedAt: now,
  };
  await db
    .insert(applianceSealKeys)
    .values(values)
    .onConflictDoUpdate({ target: applianceSealKeys.applianceId, set: values });
}
