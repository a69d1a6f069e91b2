/**
 * An appliance's complete state (every latest finding per check and host) at a past moment, from
 * its stored change-based evidence (v2): the chain index picks the last snapshot at or before the
 * moment and the state bundles after it, the body reader supplies their texts, and protocol's
 * rebuildStateAt replays them and checks the result against the digest the last one signed.
 */
import { and, asc, desc, eq, gte, inArray, lte } from "drizzle-orm";
import { type EvidenceBundle, STATE_KINDS } from "../../../protocol/evidence.ts";
import { type FindingState, rebuildStateAt } from "../../../protocol/state.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { type BodySource, bodyIndexColumns } from "./bodies.ts";

/** The state at `at` (ISO time) with the seq and digest it was proven at; null before the first snapshot. */
export async function applianceStateAt(
  { db, bodies }: BodySource,
  applianceId: string,
  at: string,
): Promise<{ state: FindingState; seq: number; digest: string } | null> {
  const until = new Date(at);
  const [snap] = await db
    .select({ seq: evidenceChain.seq })
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.applianceId, applianceId),
        eq(evidenceChain.kind, "state-snapshot"),
        lte(evidenceChain.createdAt, until),
      ),
    )
    .orderBy(desc(evidenceChain.seq))
    .limit(1);
  if (!snap) return null;
  const rows = await db
    .select(bodyIndexColumns)
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.applianceId, applianceId),
        gte(evidenceChain.seq, snap.seq),
        inArray(evidenceChain.kind, [...STATE_KINDS]),
        lte(evidenceChain.createdAt, until),
      ),
    )
    .orderBy(asc(evidenceChain.seq));
  const texts = await bodies.texts(rows);
  return rebuildStateAt(
    texts.map((t) => JSON.parse(t) as EvidenceBundle),
    at,
  );
}
