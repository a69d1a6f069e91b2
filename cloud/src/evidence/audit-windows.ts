import { asc, between, count, eq, max, min } from "drizzle-orm";
import type { Db } from "../db/client.ts";
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

/** The stored texts of one window, in sequence order, read through the body reader. */
export async function readWindow(
  { db, bodies }: BodySource,
  siteId: string,
  w: AuditWindow,
): Promise<string[]> {
  const rows = await chainIndexRows(
    db,
    eq(evidenceChain.applianceId, w.applianceId),
    eq(evidenceChain.siteId, siteId),
    between(evidenceChain.seq, w.fromSeq, w.toSeq),
  ).orderBy(asc(evidenceChain.seq));
  return bodies.texts(rows);
}
