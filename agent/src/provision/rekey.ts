import { rekeyMessage } from "../../../protocol/provision.ts";
import { sign } from "../../../protocol/sign.ts";
import { loadConfig } from "../config/load.ts";
import { readSecretFile, renameDurably } from "../config/secret.ts";
import { loadIdentity } from "../evidence/identity.ts";
import { type HttpOptions, rekey } from "./cloud.ts";
import { ProvisionError } from "./errors.ts";

/** What a re-key changed. */
export interface RekeyResult {
  applianceId: string;
  oldKeyId: string;
  newKeyId: string;
}

/**
 * Replace the identity key: make the new key beside the old one (`identity.key.new`), have the
 * cloud register it (both keys sign), then move it over the old key. A run that stopped midway
 * resumes with the same pending key, and the cloud accepts a repeated request, so it is safe to
 * re-run. The agent must be restarted afterwards to sign with the new key.
 */
export async function rekeyIdentity(configPath: string, opts: HttpOptions = {}): Promise<RekeyResult> {
  const config = loadConfig(configPath);
  const keyFile = config.appliance.identity_key_file;
  const current = loadIdentity(keyFile);
  const pendingFile = `${keyFile}.new`;
  const next = loadIdentity(pendingFile, { create: true });
  let apiKey: string;
  try {
    apiKey = readSecretFile(config.cloud.api_key_file, "API key");
  } catch (e) {
    throw new ProvisionError((e as Error).message);
  }
  const message = rekeyMessage(config.appliance.appliance_id, next.publicKey);
  const answer = await rekey(
    config.cloud.url,
    apiKey,
    {
      publicKey: next.publicKey,
      oldKeySignature: sign(message, current.secretKey),
      newKeySignature: sign(message, next.secretKey),
    },
    opts,
  );
  if (answer.keyId !== next.keyId) {
    throw new ProvisionError(`rekey: the cloud registered key ${answer.keyId}, expected ${next.keyId}`);
  }
  renameDurably(pendingFile, keyFile);
  return { applianceId: config.appliance.appliance_id, oldKeyId: current.keyId, newKeyId: next.keyId };
}
