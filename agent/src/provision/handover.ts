import { existsSync } from "node:fs";
import type { ChainHead } from "../../../protocol/evidence.ts";
import { declarePredecessor, type Predecessor } from "../../../protocol/handover.ts";
import type { Config } from "../config/schema.ts";
import { openState, stateDbPath } from "../daemon/state.ts";
import { type ChainOwner, ChainStore, chainOwner } from "../evidence/chain-store.ts";
import { chainHead } from "../evidence/head.ts";
import { type Identity, loadIdentity } from "../evidence/identity.ts";
import { ProvisionError } from "./errors.ts";

/** The evidence chain an appliance carries into an enrolment, and the key that signed it. */
export interface CarriedChain {
  owner: ChainOwner;
  head: ChainHead;
  identity: Identity;
}

/**
 * The chain the state of `config` holds (undefined when it has no bundle yet), with the identity
 * key that signed its newest bundle: that key must close the chain, so enrolling without it
 * would strand the evidence, and is refused.
 */
export function carriedChain(config: Config): CarriedChain | undefined {
  if (!existsSync(stateDbPath(config))) return undefined;
  const { db } = openState(config);
  try {
    const head = chainHead(db);
    const owner = chainOwner(db);
    if (head.seq === 0 || !owner) return undefined;
    const what = `this appliance holds the evidence chain of ${owner.applianceId} (site ${owner.siteId}, #${head.seq})`;
    const file = config.appliance.identity_key_file;
    let identity: Identity;
    try {
      identity = loadIdentity(file);
    } catch (e) {
      throw new ProvisionError(
        `${what}, but its identity key is unusable (${(e as Error).message}); restore it and enrol again: without it the chain cannot be handed over`,
      );
    }
    const row = db
      .query<{ bundle: string }, [string, number]>(
        "SELECT bundle FROM evidence WHERE appliance_id = ? AND seq = ?",
      )
      .get(owner.applianceId, head.seq);
    const signer = row ? (JSON.parse(row.bundle) as { keyId: string }).keyId : identity.keyId;
    if (signer !== identity.keyId) {
      throw new ProvisionError(
        `${what}, signed by key ${signer}, but ${file} holds key ${identity.keyId}; restore the key that signed the chain and enrol again`,
      );
    }
    return { owner, head, identity };
  } finally {
    db.close();
  }
}

/** The declaration that lets `successorPublicKey`'s appliance upload the carried chain. */
export function declare(c: CarriedChain, successorPublicKey: string): Predecessor {
  return declarePredecessor(
    {
      siteId: c.owner.siteId,
      applianceId: c.owner.applianceId,
      publicKey: c.identity.publicKey,
      headSeq: c.head.seq,
      headHash: c.head.hash,
    },
    successorPublicKey,
    c.identity.secretKey,
  );
}

/**
 * Close the carried chain and open the successor's in the state of `config` (one SQLite
 * transaction). Safe to repeat: once the state's chain is the successor's, it does nothing.
 * Returns the closing bundle's sequence, or undefined when there was nothing to hand over.
 */
export function handOverChain(
  config: Config,
  successor: ChainOwner & { identity: Identity },
  at: Date,
): number | undefined {
  if (!existsSync(stateDbPath(config))) return undefined;
  const state = openState(config);
  try {
    const owner = chainOwner(state.db);
    if (!owner || chainHead(state.db).seq === 0 || owner.applianceId === successor.applianceId)
      return undefined;
    const identity = loadIdentity(config.appliance.identity_key_file);
    const store = new ChainStore(state.queue, owner, identity);
    return store.handOver(successor, at.toISOString()).closing.seq;
  } finally {
    state.db.close();
  }
}
