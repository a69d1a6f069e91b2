import { type Checkpoint, type NoteKey, openNote, parseCheckpoint } from "../../../protocol/checkpoint.ts";
import { verifyConsistency } from "../../../protocol/merkle.ts";
import type { ConsistencyProof } from "../../../protocol/transparency.ts";

/**
 * The one judgement of whether a site log's newer checkpoint extends an older one, shared by
 * `malachor evidence verify-proof` (agent/src/cli/verify-proof.ts) and the daemon's watch over the
 * cloud's log (log-watch.ts), so both name a broken history the same way.
 */

/** Why a checkpoint or proof did not hold: `kind` is bad-checkpoint, rolled-back, checkpoint-mismatch or forked. */
export class ProofBroken extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A checkpoint note opened with one of `keys` (a log's key name is its origin): signature first, then
 * its content; `where` names the note in messages.
 */
export function openCheckpoint(note: string, keys: NoteKey[], where: string): Checkpoint {
  try {
    const { body, signedBy } = openNote(note, keys);
    const cp = parseCheckpoint(body);
    if (cp.origin !== signedBy.name)
      throw new Error(`its origin is ${cp.origin}, not the key's log ${signedBy.name}`);
    return cp;
  } catch (e) {
    throw new ProofBroken("bad-checkpoint", `${where}: ${(e as Error).message}`);
  }
}

const unhex = (h: string) => Buffer.from(h, "hex");

/** Check that `newer` extends `older` by proof `p`; throws a ProofBroken naming what broke. */
export function checkConsistency(p: ConsistencyProof, newer: Checkpoint, older: Checkpoint): string {
  if (older.size > newer.size) {
    throw new ProofBroken(
      "rolled-back",
      `the log went back from ${older.size} leaves (the checkpoint you kept) to ${newer.size}: its history was rolled back`,
    );
  }
  if (older.size !== p.size1 || older.root !== p.root1 || newer.size !== p.size2 || newer.root !== p.root2) {
    throw new ProofBroken(
      "checkpoint-mismatch",
      `the proof is for ${p.size1} → ${p.size2} leaves; the checkpoints say ${older.size} → ${newer.size} (or their roots differ)`,
    );
  }
  try {
    verifyConsistency(p.size1, p.size2, unhex(p.root1), unhex(p.root2), p.proof.map(unhex));
  } catch (e) {
    throw new ProofBroken("forked", `${newer.origin}: ${(e as Error).message}`);
  }
  return `OK: ${newer.origin} at ${newer.size} leaves extends the checkpoint of ${older.size} leaves (both signed)`;
}
