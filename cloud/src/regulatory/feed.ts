import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { regulatoryDocuments, regulatoryPolls } from "../db/schema/regulatory.ts";
import { FEED } from "./poll.ts";
import type { RegulatoryFeedView } from "./schemas.ts";

/**
 * The regulatory feed for the dashboard: the newest `limit` documents (by publication date, then
 * document number) with their federalregister.gov links, and when the poll last ran and whether
 * it failed, so a stalled poller is visible rather than silent.
 */
export async function regulatoryFeed(db: Db, opts: { limit?: number } = {}): Promise<RegulatoryFeedView> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const docs = await db
    .select()
    .from(regulatoryDocuments)
    .orderBy(desc(regulatoryDocuments.publicationDate), desc(regulatoryDocuments.documentNumber))
    .limit(limit);
  const [state] = await db.select().from(regulatoryPolls).where(eq(regulatoryPolls.feed, FEED));
  return {
    documents: docs.map((d) => ({
      documentNumber: d.documentNumber,
      title: d.title,
      type: d.type,
      abstract: d.abstract,
      htmlUrl: d.htmlUrl,
      publicationDate: d.publicationDate,
      agencies: d.agencies,
      matchedTerm: d.matchedTerm,
      firstSeenAt: d.firstSeenAt.toISOString(),
    })),
    lastAttemptAt: state?.lastAttemptAt.toISOString() ?? null,
    lastSuccessAt: state?.lastSuccessAt?.toISOString() ?? null,
    lastError: state?.lastError ?? null,
  };
}
