import { existsSync } from "node:fs";
import { rekeyMessage } from "../../../protocol/provision.ts";
import { sign } from "../../../protocol/sign.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile, renameDurably } from "../config/secret.ts";
import { openState, stateDbPath } from "../daemon/state.ts";
import { ChainStore } from "../evidence/chain-store.ts";
import { type Identity, loadIdentity } from "../evidence/identity.ts";
import { type HttpOptions, rekey } from "./cloud.ts";
import { ProvisionError } from "./errors.ts";

/** What a re-key changed. */
export interface RekeyResult {
  applianceId: string;
  oldKeyId: string;
  newKeyId: string;
}

/**
 * Record the re-key in the appliance's own chain: a bundle signed by the old key naming the new one
 * (so a verifier holding the old key learns the new one from signed evidence), before the new key
 * replaces it. Appended through the state database, as the running daemon appends, and only once
 * for a given new key (a resumed re-key does not record it twice). No chain yet: nothing to record.
 */
function recordRekey(config: Config, current: Identity, next: Identity): void {
  if (!existsSync(stateDbPath(config))) return;
  const state = openState(config);
  try {
    const recorded = state.db
      .query<{ n: number }, [string]>(
        `SELECT count(*) AS n FROM evidence e, json_each(e.bundle, '$.events') ev
         WHERE json_extract(ev.value, '$.type') = 'identity-rekeyed'
           AND json_extract(ev.value, '$.details.newKeyId') = ?`,
      )
      .get(next.keyId);
    if (recorded && recorded.n > 0) return;
    const ids = { siteId: config.appliance.site_id, applianceId: config.appliance.appliance_id };
    const chain = new ChainStore(state.queue, ids, current);
    chain.assertOwner();
    const at = new Date().toISOString();
    chain.append({
      kind: "event",
      createdAt: at,
      events: [
        {
          type: "identity-rekeyed",
          at,
          summary: `identity key ${current.keyId} → ${next.keyId} (malachor provision rekey)`,
          details: {
            oldKeyId: current.keyId,
            oldPublicKey: current.publicKey,
            newKeyId: next.keyId,
            newPublicKey: next.publicKey,
          },
        },
      ],
    });
  } finally {
    state.db.close();
  }
}

/**
 * Replace the identity key: make the new key beside the old one (`identity.key.new`), have the
 * cloud register it (both keys sign), then move it over the old key. A run that stopped midway
 * resumes with the same pending key, and the cloud accepts a repeated request, so it is safe to
 * re-run. The re-key is recorded in the chain, signed by the old key (`identity-rekeyed`). The agent
 * must be restarted afterwards to sign with the new key.
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
  recordRekey(config, current, next);
  renameDurably(pendingFile, keyFile);
  return { applianceId: config.appliance.appliance_id, oldKeyId: current.keyId, newKeyId: next.keyId };
}
