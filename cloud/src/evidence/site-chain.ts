import { and, asc, eq, gt, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { evidenceChain } from "../db/schema/evidence.ts";

/** One stored bundle: its position and the exact bytes verified at ingest. */
export interface ChainRow {
  applianceId: string;
  seq: number;
  body: string;
}

/**
 * A site's chain rows in export order (appliance id, then sequence), page by page with a keyset
 * cursor so memory stays flat however long the chain is.
 */
export async function* siteChainPages(db: Db, siteId: string, pageSize = 2000): AsyncGenerator<ChainRow[]> {
  let after: { applianceId: string; seq: number } | null = null;
  for (;;) {
    const cursor: { applianceId: string; seq: number } | null = after;
    const rows: { applianceId: string; seq: number; body: string }[] = await db
      .select({ applianceId: evidenceChain.applianceId, seq: evidenceChain.seq, body: evidenceChain.body })
      .from(evidenceChain)
      .where(
        and(
          eq(evidenceChain.siteId, siteId),
          cursor
            ? or(
                gt(evidenceChain.applianceId, cursor.applianceId),
                and(eq(evidenceChain.applianceId, cursor.applianceId), gt(evidenceChain.seq, cursor.seq)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(evidenceChain.applianceId), asc(evidenceChain.seq))
      .limit(pageSize);
    if (rows.length === 0) return;
    const page: ChainRow[] = rows.map((r) => ({
      applianceId: r.applianceId,
      seq: Number(r.seq),
      body: r.body,
    }));
    yield page;
    const last: ChainRow = page[page.length - 1]!;
    after = { applianceId: last.applianceId, seq: last.seq };
    if (rows.length < pageSize) return;
  }
}
