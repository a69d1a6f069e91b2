/**
 * The current findings of the active appliances of some sites, from evidence_latest (kept at
 * ingest by evidence/latest-state.ts): no bundle body is decoded. Each finding keeps the bundle
 * that carried it, so pages link to the signed evidence behind it. An appliance whose rows do not
 * follow its chain (stored before migration 2500, restored, rebuilt) has them rebuilt from the
 * chain first, under its row lock.
 */
import { and, eq, gt, inArray, isNull, ne, or } from "drizzle-orm";
import type { Finding } from "../../../../protocol/finding.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceLatest, evidenceStateHeads } from "../../db/schema/evidence-state.ts";
import type { BodySource } from "../../evidence/bodies.ts";
import { latestFromChain } from "../../evidence/latest-rebuild.ts";
import { LatestState } from "../../evidence/latest-state.ts";

/** Findings of one bundle that are still current, as compliance.ts reads bundle rows. */
export interface StateRow {
  siteId: string;
  applianceId: string;
  seq: number;
  createdAt: Date;
  findings: Finding[];
}

/** Rebuild the rows of the sites' active appliances whose rows do not follow their chain. */
async function ensureLatest({ db, bodies }: BodySource, siteIds: string[]): Promise<void> {
  const stale = await db
    .select({ applianceId: appliances.id, siteId: appliances.siteId, chainSeq: appliances.chainSeq })
    .from(appliances)
    .leftJoin(evidenceStateHeads, eq(evidenceStateHeads.applianceId, appliances.id))
    .where(
      and(
        inArray(appliances.siteId, siteIds),
        isNull(appliances.deletedAt),
        gt(appliances.chainSeq, 0),
        or(isNull(evidenceStateHeads.throughSeq), ne(evidenceStateHeads.throughSeq, appliances.chainSeq)),
      ),
    );
  for (const s of stale) {
    const seq = Number(s.chainSeq);
    // Bodies read outside the lock, through the cached reader; saved only if the head did not move.
    const chain = await latestFromChain(db, bodies, s.applianceId, seq);
    await db.transaction(async (tx) => {
      const [now] = await tx
        .select({ chainSeq: appliances.chainSeq })
        .from(appliances)
        .where(eq(appliances.id, s.applianceId))
        .for("update");
      if (Number(now?.chainSeq) !== seq) return;
      await LatestState.saveRebuilt(tx, bodies, s, chain, seq);
    });
  }
}

/** Current findings of every active appliance of the sites, grouped by the bundle that carried them. */
export async function latestStateRows(src: BodySource, siteIds: string[]): Promise<StateRow[]> {
  if (siteIds.length === 0) return [];
  await ensureLatest(src, siteIds);
  const rows = await src.db
    .select({
      siteId: evidenceLatest.siteId,
      applianceId: evidenceLatest.applianceId,
      seq: evidenceLatest.seq,
      createdAt: evidenceLatest.createdAt,
      finding: evidenceLatest.finding,
    })
    .from(evidenceLatest)
    .innerJoin(appliances, eq(appliances.id, evidenceLatest.applianceId))
    .where(and(inArray(evidenceLatest.siteId, siteIds), isNull(appliances.deletedAt)));
  const byBundle = new Map<string, StateRow>();
  for (const r of rows) {
    const key = `${r.applianceId}#${r.seq}`;
    const row = byBundle.get(key) ?? {
      siteId: r.siteId,
      applianceId: r.applianceId,
      seq: Number(r.seq),
      createdAt: new Date(r.createdAt),
      findings: [],
    };
    row.findings.push(r.finding);
    byBundle.set(key, row);
  }
  return [...byBundle.values()];
}
