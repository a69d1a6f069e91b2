import { eq } from "drizzle-orm";
import { GENESIS_HASH } from "../../../protocol/evidence.ts";
import { keyIdOf } from "../../../protocol/sign.ts";
import { API_KEY_PREFIX, hashSecret, newId, newSecret } from "../auth/secrets.ts";
import type { Db } from "../db/client.ts";
import { apiKeys, applianceKeys, appliances } from "../db/schema/appliances.ts";
import { conflict } from "../http/errors.ts";

/** What registering an appliance needs. */
export interface NewAppliance {
  siteId: string;
  applianceId: string;
  name: string;
  publicKey: string;
  hostname?: string | null;
  mac?: string | null;
  agentVersion?: string | null;
}

/**
 * Insert an appliance, its identity key and a fresh API key inside the caller's transaction.
 * Returns the API key in clear: the only time it exists outside the appliance. A key already
 * registered for another appliance is refused: evidence signed by it must name one appliance.
 */
export async function registerAppliance(
  tx: Db,
  now: Date,
  a: NewAppliance,
): Promise<{ apiKey: string; apiKeyId: string }> {
  const keyId = keyIdOf(a.publicKey);
  await assertKeyFree(tx, keyId, "; enrol with a fresh key");
  await tx.insert(appliances).values({
    id: a.applianceId,
    siteId: a.siteId,
    name: a.name,
    hostname: a.hostname ?? null,
    mac: a.mac ?? null,
    publicKey: a.publicKey,
    keyId,
    agentVersion: a.agentVersion ?? null,
    chainSeq: 0,
    chainHead: GENESIS_HASH,
    createdAt: now,
  });
  await tx
    .insert(applianceKeys)
    .values({ keyId, applianceId: a.applianceId, siteId: a.siteId, publicKey: a.publicKey, createdAt: now });
  return issueApiKey(tx, now, a.siteId, a.applianceId);
}

/** Throw 409 if an identity key is registered for an appliance already (`hint` ends the message). */
export async function assertKeyFree(tx: Db, keyId: string, hint = ""): Promise<void> {
  const [taken] = await tx
    .select({ applianceId: applianceKeys.applianceId })
    .from(applianceKeys)
    .where(eq(applianceKeys.keyId, keyId));
  if (taken)
    throw conflict(`identity key ${keyId} is already registered for appliance ${taken.applianceId}${hint}`);
}

/** Add a new API key for an appliance (enrolment or rotation). */
export async function issueApiKey(
  tx: Db,
  now: Date,
  siteId: string,
  applianceId: string,
): Promise<{ apiKey: string; apiKeyId: string }> {
  const apiKey = newSecret(API_KEY_PREFIX);
  const apiKeyId = newId("key_");
  await tx
    .insert(apiKeys)
    .values({ id: apiKeyId, hash: hashSecret(apiKey), applianceId, siteId, createdAt: now });
  return { apiKey, apiKeyId };
}
