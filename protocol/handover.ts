/**
 * Chain hand-over: when an appliance enrols under a new identity (new appliance id, new key) it
 * keeps the evidence it signed before. Its old chain is closed by a last bundle signed by the old
 * key naming the successor, the new chain opens with a bundle signed by the new key naming the old
 * chain's head, and at enrolment the old key signs a declaration naming the new key, so the cloud
 * lets the successor upload the old chain (see agent/src/provision/README.md).
 */
import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { Hex64, Id, KeyId, PosInt, SignatureHex } from "./common.ts";
import type { EvidenceEvent } from "./evidence.ts";
import { keyIdOf, sign, verify } from "./sign.ts";

/**
 * Sent with an enrolment: the chain this appliance carries from its earlier identity, signed by
 * that identity's key over `handoverMessage` (which names the enrolling key).
 */
export const Predecessor = v.strictObject({
  siteId: Id,
  applianceId: Id,
  publicKey: Hex64,
  /** Head of the old chain when the declaration was signed; its closing bundle follows it. */
  headSeq: PosInt,
  headHash: Hex64,
  signature: SignatureHex,
});
export type Predecessor = v.InferOutput<typeof Predecessor>;

/** The bytes the old key signs in a Predecessor declaration. */
export function handoverMessage(p: Omit<Predecessor, "signature">, successorPublicKey: string): Uint8Array {
  return canonicalBytes({
    purpose: "malachor-handover/v1",
    predecessor: {
      siteId: p.siteId,
      applianceId: p.applianceId,
      publicKey: p.publicKey,
      headSeq: p.headSeq,
      headHash: p.headHash,
    },
    successorPublicKey,
  });
}

/** Sign a Predecessor declaration with the old chain's secret key. */
export function declarePredecessor(
  p: Omit<Predecessor, "signature">,
  successorPublicKey: string,
  oldSecretKeyHex: string,
): Predecessor {
  return { ...p, signature: sign(handoverMessage(p, successorPublicKey), oldSecretKeyHex) };
}

/** True when the declaration is signed by the key it names and names `successorPublicKey`. */
export function verifyPredecessor(p: Predecessor, successorPublicKey: string): boolean {
  return verify(handoverMessage(p, successorPublicKey), p.signature, p.publicKey);
}

const Side = { siteId: Id, applianceId: Id, publicKey: Hex64, keyId: KeyId };

/** `details` of the "chain-handed-over" event closing the old chain. */
export const ChainHandedOver = v.strictObject({ successor: v.strictObject(Side) });
export type ChainHandedOver = v.InferOutput<typeof ChainHandedOver>;

/** `details` of the "chain-taken-over" event opening the new chain. */
export const ChainTakenOver = v.strictObject({
  predecessor: v.strictObject({ ...Side, seq: PosInt, hash: Hex64 }),
});
export type ChainTakenOver = v.InferOutput<typeof ChainTakenOver>;

/** One side of a hand-over. */
export interface ChainSide {
  siteId: string;
  applianceId: string;
  publicKey: string;
}

/** The event that closes `from`'s chain: it is handed over to `to`. */
export function handedOverEvent(from: ChainSide, to: ChainSide, at: string): EvidenceEvent {
  const details: ChainHandedOver = { successor: { ...to, keyId: keyIdOf(to.publicKey) } };
  return {
    type: "chain-handed-over",
    at,
    summary: `chain of ${from.applianceId} handed over to ${to.applianceId} (site ${to.siteId}, key ${keyIdOf(to.publicKey)})`,
    details,
  };
}

/** The event that opens `to`'s chain: it continues `from`'s chain, whose last bundle is `head`. */
export function takenOverEvent(
  from: ChainSide,
  head: { seq: number; hash: string },
  to: ChainSide,
  at: string,
): EvidenceEvent {
  const details: ChainTakenOver = {
    predecessor: { ...from, keyId: keyIdOf(from.publicKey), seq: head.seq, hash: head.hash },
  };
  return {
    type: "chain-taken-over",
    at,
    summary: `chain of ${to.applianceId} continues ${from.applianceId} (closed at #${head.seq})`,
    details,
  };
}
