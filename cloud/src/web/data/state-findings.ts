/**
 * The current findings of appliances that sign change-based evidence (bundle v2): the latest
 * state-snapshot and every state bundle after it, replayed in chain order (protocol/state.ts's
 * rule: a bundle's removed keys leave the state, its findings replace theirs). Each finding keeps
 * the bundle that carried it, so pages link to the signed evidence behind it.
 */
import { and, asc, desc, eq, gte, inArray, isNull, or } from "drizzle-orm";
import { type EvidenceBundle, STATE_KINDS } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import { stateKey } from "../../../../protocol/state.ts";
import type { Db } from "../../db/client.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import { type BodySource, bodyIndexColumns } from "../../evidence/bodies.ts";

/** Findings of one bundle that are still current, as compliance.ts reads bundle rows. */
export interface StateRow {
  siteId: string;
  applianceId: string;
  seq: number;
  createdAt: Date;
  findings: Finding[];
}

/** The newest bundle of `kind` (its appliance and seq) of every active appliance of the sites. */
export function latestOfKind(db: Db, siteIds: string[], kind: string) {
  return db
    .selectDistinctOn([evidenceChain.applianceId], {
      applianceId: evidenceChain.applianceId,
      seq: evidenceChain.seq,
    })
    .from(evidenceChain)
    .innerJoin(appliances, eq(appliances.id, evidenceChain.applianceId))
    .where(
      and(inArray(evidenceChain.siteId, siteIds), eq(evidenceChain.kind, kind), isNull(appliances.deletedAt)),
    )
    .orderBy(evidenceChain.applianceId, desc(evidenceChain.seq));
}

/** Current state of every active appliance of the sites that has a snapshot; with each one's last state seq. */
export async function latestStateRows(
  { db, bodies }: BodySource,
  siteIds: string[],
): Promise<{ rows: StateRow[]; lastSeq: Map<string, number> }> {
  const lastSeq = new Map<string, number>();
  if (siteIds.length === 0) return { rows: [], lastSeq };
  const snaps = await latestOfKind(db, siteIds, "state-snapshot");
  if (snaps.length === 0) return { rows: [], lastSeq };
  const rows = await db
    .select({ ...bodyIndexColumns, siteId: evidenceChain.siteId, createdAt: evidenceChain.createdAt })
    .from(evidenceChain)
    .where(
      and(
        inArray(evidenceChain.kind, [...STATE_KINDS]),
        or(
          ...snaps.map((s) =>
            and(eq(evidenceChain.applianceId, s.applianceId), gte(evidenceChain.seq, s.seq)),
          ),
        ),
      ),
    )
    .orderBy(asc(evidenceChain.applianceId), asc(evidenceChain.seq));
  const texts = await bodies.texts(rows);
  const bundles = rows.map(({ body: _body, ...r }, i) => ({
    ...r,
    bundle: JSON.parse(texts[i]!) as EvidenceBundle,
  }));
  // Replay per appliance, remembering which bundle holds each current finding.
  const current = new Map<string, Map<string, { finding: Finding; from: StateRow }>>();
  for (const { bundle, ...b } of bundles) {
    const seq = Number(b.seq);
    const from = { siteId: b.siteId, applianceId: b.applianceId, seq, createdAt: b.createdAt, findings: [] };
    // Rows start at each appliance's latest snapshot, so replay starts from an empty state.
    const state = current.get(b.applianceId) ?? new Map();
    current.set(b.applianceId, state);
    const removed = bundle.v === 2 ? (bundle.state?.removed ?? []) : [];
    for (const r of removed) state.delete(stateKey(r));
    for (const f of bundle.findings) state.set(stateKey(f), { finding: f, from });
    lastSeq.set(b.applianceId, seq);
  }
  const out: StateRow[] = [];
  for (const state of current.values()) {
    const byBundle = new Map<number, StateRow>();
    for (const { finding, from } of state.values()) {
      const row = byBundle.get(from.seq) ?? { ...from, findings: [] };
      row.findings.push(finding);
      byBundle.set(from.seq, row);
    }
    out.push(...byBundle.values());
  }
  return { rows: out, lastSeq };
}
