/**
 * An appliance's latest state rebuilt from its stored chain, for when evidence_latest does not
 * follow the chain (rows from before migration 2500, a restore, a disaster-recovery rebuild) or
 * ingest needs the change-based state that a later full cycle replaced in the rows. The rule is
 * the one the pages read before the table existed: the latest full check cycle, unless state
 * bundles (v2) came after it, in which case the state replayed from the last snapshot.
 */
import { and, asc, desc, eq, gte, inArray, lte } from "drizzle-orm";
import { type EvidenceBundle, STATE_KINDS } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { stateDigest, stateKey } from "../../../protocol/state.ts";
import type { Db } from "../db/client.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { type BodyIndex, bodyIndexColumns, type EvidenceBodies } from "./bodies.ts";

/** A current finding and the bundle that carried it. */
export interface LatestEntry {
  finding: Finding;
  seq: number;
  createdAt: Date;
}

/** Current findings by stateKey. */
export type LatestEntries = Map<string, LatestEntry>;

/** The proof head of a change-based state: the last state bundle and the digest of the state after it. */
export interface StateProofHead {
  seq: number;
  digest: string;
  count: number;
}

/** What evidence_latest and evidence_state_heads hold for one appliance. */
export interface LatestOfChain {
  /** What the rows hold. */
  current: LatestEntries;
  /** The change-based state (null before the first snapshot), with its proof head. */
  v2: { entries: LatestEntries; proof: StateProofHead } | null;
  /** The full cycle the rows hold instead of the v2 state, when one came after it. */
  fullSeq: number | null;
}

/** Apply one state bundle's changes to entries (a snapshot starts afresh), in place. */
export function applyToEntries(entries: LatestEntries, b: EvidenceBundle, createdAt: Date): void {
  if (b.kind === "state-snapshot") entries.clear();
  for (const r of b.v === 2 && b.state ? b.state.removed : []) entries.delete(stateKey(r));
  for (const f of b.findings) entries.set(stateKey(f), { finding: f, seq: b.seq, createdAt });
}

/** The findings of entries, keyed as protocol/state.ts keys them. */
export const findingsOf = (entries: LatestEntries) =>
  new Map([...entries].map(([k, e]) => [k, e.finding] as const));

/**
 * The latest state of an appliance through chain seq `throughSeq`, from its chain rows and bodies
 * (read with `db`, so that inside a transaction the caller passes the transaction and a reader over it).
 */
export async function latestFromChain(
  db: Db,
  bodies: EvidenceBodies,
  applianceId: string,
  throughSeq: number,
): Promise<LatestOfChain> {
  const mine = and(eq(evidenceChain.applianceId, applianceId), lte(evidenceChain.seq, throughSeq));
  const lastOf = (kind: string) =>
    db
      .select({ seq: evidenceChain.seq, createdAt: evidenceChain.createdAt })
      .from(evidenceChain)
      .where(and(mine, eq(evidenceChain.kind, kind)))
      .orderBy(desc(evidenceChain.seq))
      .limit(1);
  const [[snap], [cycle]] = await Promise.all([lastOf("state-snapshot"), lastOf("check-cycle")]);
  const columns = { ...bodyIndexColumns, createdAt: evidenceChain.createdAt };
  const parse = async (rows: (BodyIndex & { createdAt: Date })[]) =>
    (await bodies.texts(rows.map((r) => ({ ...r, seq: Number(r.seq) })))).map((t, i) => ({
      bundle: JSON.parse(t) as EvidenceBundle,
      createdAt: new Date(rows[i]!.createdAt),
    }));

  let v2: LatestOfChain["v2"] = null;
  if (snap) {
    const rows = await db
      .select(columns)
      .from(evidenceChain)
      .where(
        and(mine, gte(evidenceChain.seq, Number(snap.seq)), inArray(evidenceChain.kind, [...STATE_KINDS])),
      )
      .orderBy(asc(evidenceChain.seq));
    const entries: LatestEntries = new Map();
    let last = Number(snap.seq);
    for (const { bundle, createdAt } of await parse(rows)) {
      applyToEntries(entries, bundle, createdAt);
      last = bundle.seq;
    }
    const findings = findingsOf(entries);
    v2 = { entries, proof: { seq: last, digest: stateDigest(findings.values()), count: findings.size } };
  }
  if (cycle && (!v2 || Number(cycle.seq) > v2.proof.seq)) {
    // A large cycle spans several bundles of the same time: all of them are the cycle.
    const rows = await db
      .select(columns)
      .from(evidenceChain)
      .where(and(mine, eq(evidenceChain.kind, "check-cycle"), eq(evidenceChain.createdAt, cycle.createdAt)))
      .orderBy(asc(evidenceChain.seq));
    const current: LatestEntries = new Map();
    for (const { bundle, createdAt } of await parse(rows)) {
      for (const f of bundle.findings) current.set(stateKey(f), { finding: f, seq: bundle.seq, createdAt });
    }
    return { current, v2, fullSeq: Number(cycle.seq) };
  }
  return { current: new Map(v2?.entries ?? []), v2, fullSeq: null };
}
