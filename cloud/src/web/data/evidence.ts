/**
 * Evidence read models for pages: per-appliance chain figures aggregated in SQL, one page of
 * bundles at a time. Nothing here loads a whole chain (keys, alerts, export: cloud/src/evidence/).
 */
import { and, asc, count, desc, eq, gt, inArray, max, min, or, sql } from "drizzle-orm";
import type { BundleSummary, EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { Db } from "../../db/client.ts";
import { appliances } from "../../db/schema/appliances.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import type { BodySource } from "../../evidence/bodies.ts";

/** Chain figures of one appliance. */
export interface ChainFigures {
  applianceId: string;
  name: string;
  deleted: boolean;
  bundles: number;
  headSeq: number;
  headHash: string;
  first: Date | null;
  last: Date | null;
}

/** Per-appliance chain figures of a site (appliances without evidence included, with zeros). */
export async function chainFigures(db: Db, siteId: string): Promise<ChainFigures[]> {
  const agg = await db
    .select({
      applianceId: evidenceChain.applianceId,
      bundles: count(),
      first: min(evidenceChain.createdAt),
      last: max(evidenceChain.createdAt),
    })
    .from(evidenceChain)
    .where(eq(evidenceChain.siteId, siteId))
    .groupBy(evidenceChain.applianceId);
  const byId = new Map(agg.map((a) => [a.applianceId, a]));
  const apps = await db
    .select({
      id: appliances.id,
      name: appliances.name,
      deletedAt: appliances.deletedAt,
      chainSeq: appliances.chainSeq,
      chainHead: appliances.chainHead,
    })
    .from(appliances)
    .where(eq(appliances.siteId, siteId))
    .orderBy(asc(appliances.id));
  return apps.map((a) => {
    const g = byId.get(a.id);
    return {
      applianceId: a.id,
      name: a.name,
      deleted: a.deletedAt !== null,
      bundles: Number(g?.bundles ?? 0),
      headSeq: Number(a.chainSeq),
      headHash: a.chainHead,
      first: g?.first ?? null,
      last: g?.last ?? null,
    };
  });
}

/** One row of the bundle list. */
export interface BundleRow {
  applianceId: string;
  seq: number;
  kind: string;
  createdAt: Date;
  receivedAt: Date;
  hash: string;
  keyId: string;
  summary: BundleSummary;
}

/** Keyset cursor of the bundle list (newest first): the last row shown. */
export interface BundleCursor {
  createdAt: string;
  applianceId: string;
  seq: number;
}

/** A cursor as it travels in a URL: `<epoch ms>~<applianceId>~<seq>` (ids never contain "~"). */
export function encodeCursor(r: { createdAt: Date; applianceId: string; seq: number }): string {
  return `${r.createdAt.getTime()}~${r.applianceId}~${r.seq}`;
}
/** Parse a URL cursor; null when absent or malformed (then the list starts at the newest). */
export function decodeCursor(s: string | undefined): BundleCursor | null {
  const m = s ? /^(\d{1,15})~([A-Za-z0-9._-]{1,64})~(\d{1,15})$/.exec(s) : null;
  return m
    ? { createdAt: new Date(Number(m[1])).toISOString(), applianceId: m[2]!, seq: Number(m[3]) }
    : null;
}

/** A page of a site's bundles, newest first, after `cursor`; `more` tells whether older ones exist. */
export async function bundlePage(
  { db, bodies }: BodySource,
  siteId: string,
  limit: number,
  cursor: BundleCursor | null,
): Promise<{ rows: BundleRow[]; more: boolean }> {
  const after = cursor
    ? or(
        sql`${evidenceChain.createdAt} < ${cursor.createdAt}::timestamptz`,
        and(
          sql`${evidenceChain.createdAt} = ${cursor.createdAt}::timestamptz`,
          or(
            gt(evidenceChain.applianceId, cursor.applianceId),
            and(eq(evidenceChain.applianceId, cursor.applianceId), sql`${evidenceChain.seq} < ${cursor.seq}`),
          ),
        ),
      )
    : undefined;
  // Keys first (no body touched while sorting), then the shown rows' details by primary key.
  const keys = await db
    .select({ applianceId: evidenceChain.applianceId, seq: evidenceChain.seq })
    .from(evidenceChain)
    .where(and(eq(evidenceChain.siteId, siteId), after))
    .orderBy(desc(evidenceChain.createdAt), asc(evidenceChain.applianceId), desc(evidenceChain.seq))
    .limit(limit + 1);
  const shown = keys.slice(0, limit);
  const byApp = new Map<string, number[]>();
  for (const k of shown) byApp.set(k.applianceId, [...(byApp.get(k.applianceId) ?? []), Number(k.seq)]);
  const details =
    shown.length === 0
      ? []
      : await db
          .select({
            applianceId: evidenceChain.applianceId,
            seq: evidenceChain.seq,
            kind: evidenceChain.kind,
            createdAt: evidenceChain.createdAt,
            receivedAt: evidenceChain.receivedAt,
            hash: evidenceChain.hash,
            keyId: evidenceChain.keyId,
            objectKey: evidenceChain.objectKey,
            body: evidenceChain.body,
          })
          .from(evidenceChain)
          .where(
            or(
              ...[...byApp].map(([a, seqs]) =>
                and(eq(evidenceChain.applianceId, a), inArray(evidenceChain.seq, seqs)),
              ),
            ),
          );
  const texts = await bodies.texts(details);
  const byKey = new Map(
    details.map(({ objectKey: _key, body: _body, ...d }, i) => [
      `${d.applianceId}#${Number(d.seq)}`,
      { ...d, summary: (JSON.parse(texts[i]!) as EvidenceBundle).summary },
    ]),
  );
  return {
    rows: shown.map((k) => {
      const r = byKey.get(`${k.applianceId}#${Number(k.seq)}`)!;
      return { ...r, seq: Number(r.seq) };
    }),
    more: keys.length > limit,
  };
}
