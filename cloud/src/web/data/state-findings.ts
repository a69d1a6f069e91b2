/**
 * The current findings of appliances that sign change-based evidence (bundle v2): the latest
 * state-snapshot and every state bundle after it, replayed in chain order (protocol/state.ts's
 * rule: a bundle's removed keys leave the state, its findings replace theirs). Each finding keeps
 * the bundle that carried it, so pages link to the signed evidence behind it.
 */
import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { STATE_KINDS } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import { stateKey } from "../../../../protocol/state.ts";
import type { Db } from "../../db/client.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";

/** Findings of one bundle that are still current, as compliance.ts reads bundle rows. */
export interface StateRow {
  siteId: string;
  applianceId: string;
  seq: number;
  createdAt: Date;
  findings: string;
}

/** Current state of every active appliance of the sites that has a snapshot; with each one's last state seq. */
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

export async function latestStateRows(
  db: Db,
  siteIds: string[],
): Promise<{ rows: StateRow[]; lastSeq: Map<string, number> }> {
  const lastSeq = new Map<string, number>();
  if (siteIds.length === 0) return { rows: [], lastSeq };
  const snaps = await latestOfKind(db, siteIds, "state-snapshot");
  if (snaps.length === 0) return { rows: [], lastSeq };
  const bundles = await db
    .select({
      siteId: evidenceChain.siteId,
      applianceId: evidenceChain.applianceId,
      seq: evidenceChain.seq,
      createdAt: evidenceChain.createdAt,
      findings: sql<string>`((${evidenceChain.body})::jsonb -> 'findings')::text`,
      removed: sql<string>`coalesce(((${evidenceChain.body})::jsonb -> 'state' -> 'removed')::text, '[]')`,
    })
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
  // Replay per appliance, remembering which bundle holds each current finding.
  const current = new Map<string, Map<string, { finding: Finding; from: (typeof bundles)[number] }>>();
  for (const b of bundles) {
    const seq = Number(b.seq);
    // Rows start at each appliance's latest snapshot, so replay starts from an empty state.
    const state = current.get(b.applianceId) ?? new Map();
    current.set(b.applianceId, state);
    const findings = JSON.parse(b.findings) as Finding[];
    for (const r of JSON.parse(b.removed) as { checkId: string; host: string }[]) state.delete(stateKey(r));
    for (const f of findings) state.set(stateKey(f), { finding: f, from: b });
    lastSeq.set(b.applianceId, seq);
  }
  const rows: StateRow[] = [];
  for (const state of current.values()) {
    const byBundle = new Map<number, StateRow & { list: Finding[] }>();
    for (const { finding, from } of state.values()) {
      const seq = Number(from.seq);
      const row = byBundle.get(seq) ?? { ...from, seq, findings: "", list: [] };
      row.list.push(finding);
      byBundle.set(seq, row);
    }
    for (const { list, ...row } of byBundle.values()) rows.push({ ...row, findings: JSON.stringify(list) });
  }
  return { rows, lastSeq };
}
