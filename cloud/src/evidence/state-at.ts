/**
 * An appliance's complete state (every latest finding per check and host) at a past moment, from
 * its stored change-based evidence (v2): the chain index picks the last snapshot at or before the
 * moment and the state bundles after it, the body reader supplies their texts, and protocol's
 * rebuildStateAt replays them and checks the result against the digest the last one signed.
 */
import { and, asc, eq, gte, inArray, lte, max } from "drizzle-orm";
import { type EvidenceBundle, STATE_KINDS } from "../../../protocol/evidence.ts";
import { type FindingState, rebuildStateAt } from "../../../protocol/state.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { type BodySource, chainIndexRows } from "./bodies.ts";

/**
 * Parsed bundles by hash, bounded, least recently used dropped first. Bodies never change, and a
 * parsed finding keeps the canonical text of its projection (protocol/state.ts), so the digest
 * check of a rebuild from the same snapshot reuses almost every text instead of canonicalising the
 * whole state again.
 */
export class ParsedBundles {
  private readonly map = new Map<string, EvidenceBundle>();

  constructor(readonly maxEntries = 256) {}

  has(hash: string): boolean {
    return this.map.has(hash);
  }

  /** The bundle of this hash, parsed from `text()` unless held. */
  get(hash: string, text: () => string): EvidenceBundle {
    let b = this.map.get(hash);
    if (b) this.map.delete(hash);
    else b = JSON.parse(text()) as EvidenceBundle;
    this.map.set(hash, b);
    for (const k of this.map.keys()) {
      if (this.map.size <= this.maxEntries) break;
      this.map.delete(k);
    }
    return b;
  }
}

const shared = new ParsedBundles();

/**
 * The state at `at` (ISO time) with the seq and digest it was proven at; null before the first
 * snapshot. `parsed`: the process's cache of parsed bundles unless given.
 */
export async function applianceStateAt(
  { db, bodies }: BodySource,
  applianceId: string,
  at: string,
  parsed: ParsedBundles = shared,
): Promise<{ state: FindingState; seq: number; digest: string } | null> {
  const until = new Date(at);
  // One round trip: the last snapshot at or before the moment, found by the index, and the state
  // bundles from it up to the moment.
  const lastSnapshot = db
    .select({ seq: max(evidenceChain.seq) })
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.applianceId, applianceId),
        eq(evidenceChain.kind, "state-snapshot"),
        lte(evidenceChain.createdAt, until),
      ),
    );
  const rows = await chainIndexRows(
    db,
    eq(evidenceChain.applianceId, applianceId),
    gte(evidenceChain.seq, lastSnapshot),
    inArray(evidenceChain.kind, [...STATE_KINDS]),
    lte(evidenceChain.createdAt, until),
  ).orderBy(asc(evidenceChain.seq));
  if (rows.length === 0) return null;
  // Bodies only for bundles not parsed lately.
  const need = rows.filter((r) => !parsed.has(r.hash));
  const texts = new Map((await bodies.texts(need)).map((t, i) => [need[i]!.hash, t]));
  return rebuildStateAt(
    rows.map((r) => parsed.get(r.hash, () => texts.get(r.hash)!)),
    at,
  );
}
