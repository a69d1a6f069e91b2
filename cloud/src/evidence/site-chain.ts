import { asc, eq, gt } from "drizzle-orm";
import { evidenceChain } from "../db/schema/evidence.ts";
import { type BodySource, chainIndexRows } from "./bodies.ts";

/** One stored bundle: its position and the exact bytes verified at ingest. */
export interface ChainRow {
  applianceId: string;
  seq: number;
  body: string;
}

/**
 * A site's chain rows in export order (appliance id, then sequence), page by page so memory stays
 * flat however long the chain is, bodies read through the body reader (bodies.ts). Each query reads one appliance's rows after a sequence number,
 * which is a range of the (appliance_id, seq) primary key already in order: no sort, whatever the
 * planner's statistics say. A page that ends one appliance's chain is filled from the next one's.
 */
export async function* siteChainPages(
  { db, bodies }: BodySource,
  siteId: string,
  pageSize = 2000,
): AsyncGenerator<ChainRow[]> {
  const appliances = await db
    .selectDistinct({ applianceId: evidenceChain.applianceId })
    .from(evidenceChain)
    .where(eq(evidenceChain.siteId, siteId))
    .orderBy(asc(evidenceChain.applianceId));
  let page: ChainRow[] = [];
  for (const { applianceId } of appliances) {
    let after = 0;
    for (;;) {
      const want = pageSize - page.length;
      const rows = await chainIndexRows(
        db,
        eq(evidenceChain.applianceId, applianceId),
        eq(evidenceChain.siteId, siteId),
        gt(evidenceChain.seq, after),
      )
        .orderBy(asc(evidenceChain.seq))
        .limit(want);
      const texts = await bodies.texts(rows);
      for (const [i, r] of rows.entries()) page.push({ applianceId, seq: Number(r.seq), body: texts[i]! });
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
      if (rows.length < want) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
  if (page.length > 0) yield page;
}
