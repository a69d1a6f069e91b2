import { asc, between, count, eq, max, min, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { type BodySource, chainIndexRows } from "./bodies.ts";

/** A run of one appliance's stored rows, by sequence number (inclusive), read and walked as one. */
export interface AuditWindow {
  applianceId: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * The site's rows as windows of at most `size` sequence numbers, in export order (appliance id,
 * then sequence number), and how many rows there are. Read once at the start: rows added later
 * are not part of this audit.
 */
export async function auditWindows(
  db: Db,
  siteId: string,
  size: number,
): Promise<{ windows: AuditWindow[]; rows: number }> {
  const ranges = await db
    .select({
      applianceId: evidenceChain.applianceId,
      lo: min(evidenceChain.seq),
      hi: max(evidenceChain.seq),
      n: count(),
    })
    .from(evidenceChain)
    .where(eq(evidenceChain.siteId, siteId))
    .groupBy(evidenceChain.applianceId)
    .orderBy(asc(evidenceChain.applianceId));
  const windows: AuditWindow[] = [];
  let rows = 0;
  for (const r of ranges) {
    rows += Number(r.n);
    for (let from = Number(r.lo); from <= Number(r.hi); from += size) {
      windows.push({
        applianceId: r.applianceId,
        fromSeq: from,
        toSeq: Math.min(Number(r.hi), from + size - 1),
      });
    }
  }
  return { windows, rows };
}

/**
 * The stored texts of one window, in sequence order, read through the body reader. The index is
 * read as one row of joined sequence numbers and object keys (keys are safe paths, never holding a
 * comma: object-store.ts assertSafeKey), which costs the event loop a fraction of a row per bundle;
 * a window holding rows stored with their body (before migration 2400) is read row by row.
 */
export async function readWindow(
  { db, bodies }: BodySource,
  siteId: string,
  w: AuditWindow,
): Promise<string[]> {
  const [joined] = rowsOf<{ seqs: string | null; keys: string | null; withBody: boolean | null }>(
    await db.execute(sql`SELECT string_agg(seq::text, ',' ORDER BY seq) AS seqs,
        string_agg(object_key, ',' ORDER BY seq) AS keys, bool_or(body IS NOT NULL) AS "withBody"
      FROM evidence_chain
      WHERE appliance_id = ${w.applianceId} AND site_id = ${siteId} AND seq BETWEEN ${w.fromSeq} AND ${w.toSeq}`),
  );
  if (!joined?.seqs || !joined.keys) return [];
  if (!joined.withBody) {
    const seqs = joined.seqs.split(",");
    const keys = joined.keys.split(",");
    if (seqs.length === keys.length) {
      const { applianceId } = w;
      return bodies.texts(
        seqs.map((seq, i) => ({ applianceId, seq: Number(seq), objectKey: keys[i]!, body: null })),
      );
    }
  }
  const rows = await chainIndexRows(
    db,
    eq(evidenceChain.applianceId, w.applianceId),
    eq(evidenceChain.siteId, siteId),
    between(evidenceChain.seq, w.fromSeq, w.toSeq),
  ).orderBy(asc(evidenceChain.seq));
  return bodies.texts(rows);
}
