import { eq } from "drizzle-orm";
import { regulatoryDocuments, regulatoryPolls } from "../db/schema/regulatory.ts";
import type { CloudDeps } from "../deps.ts";
import {
  agencyNames,
  type FederalRegisterDocument,
  type FeedFetchOptions,
  fetchAllDocuments,
  searchUrl,
} from "./federal-register.ts";
import type { RegulatorySettings } from "./settings.ts";

/** Name of the Federal Register feed in regulatory_polls. */
export const FEED = "federal-register";

/** What one poll did. */
export interface PollResult {
  status: "not-due" | "ok" | "failed";
  /** Documents the feed returned (after de-duplication across terms and pages). */
  seen: number;
  /** Of those, documents not stored before. */
  stored: number;
  error?: string;
}

const DAY_MS = 86_400_000;
// Later polls re-read a week before the last success: documents can appear with an earlier date.
const OVERLAP_MS = 7 * DAY_MS;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Poll the Federal Register for each watch term and store documents not seen before (keyed by
 * document number). Runs only when the last success is older than the interval (or `force`).
 * Every page of every term is fetched and validated before one transaction stores them, so a
 * malformed answer stores nothing; the failure is logged and kept in regulatory_polls.
 */
export async function pollRegulatory(
  deps: Pick<CloudDeps, "db" | "clock" | "logger">,
  settings: RegulatorySettings,
  opts: FeedFetchOptions & { force?: boolean } = {},
): Promise<PollResult> {
  const now = deps.clock.now();
  const [state] = await deps.db.select().from(regulatoryPolls).where(eq(regulatoryPolls.feed, FEED));
  const last = state?.lastSuccessAt;
  if (!opts.force && last && now.getTime() - last.getTime() < settings.intervalMs) {
    return { status: "not-due", seen: 0, stored: 0 };
  }
  const since = isoDay(
    last ? new Date(last.getTime() - OVERLAP_MS) : new Date(now.getTime() - settings.lookbackDays * DAY_MS),
  );
  try {
    const found = new Map<string, { doc: FederalRegisterDocument; term: string }>();
    for (const term of settings.terms) {
      for (const doc of await fetchAllDocuments(searchUrl(settings.baseUrl, term, since), opts)) {
        if (!found.has(doc.document_number)) found.set(doc.document_number, { doc, term });
      }
    }
    const rows = [...found.values()].map(({ doc, term }) => ({
      documentNumber: doc.document_number,
      title: doc.title,
      type: doc.type,
      abstract: doc.abstract ?? null,
      htmlUrl: doc.html_url,
      publicationDate: doc.publication_date,
      agencies: agencyNames(doc),
      matchedTerm: term,
      firstSeenAt: now,
    }));
    const stored = await deps.db.transaction(async (tx) => {
      let n = 0;
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await tx
          .insert(regulatoryDocuments)
          .values(rows.slice(i, i + 500))
          .onConflictDoNothing()
          .returning({ documentNumber: regulatoryDocuments.documentNumber });
        n += inserted.length;
      }
      const outcome = { lastAttemptAt: now, lastSuccessAt: now, lastError: null, lastNew: n };
      await tx
        .insert(regulatoryPolls)
        .values({ feed: FEED, ...outcome })
        .onConflictDoUpdate({ target: regulatoryPolls.feed, set: outcome });
      return n;
    });
    deps.logger.info("regulatory poll", { feed: FEED, since, seen: rows.length, stored });
    return { status: "ok", seen: rows.length, stored };
  } catch (e) {
    const error = (e as Error).message;
    await deps.db
      .insert(regulatoryPolls)
      .values({ feed: FEED, lastAttemptAt: now, lastError: error })
      .onConflictDoUpdate({ target: regulatoryPolls.feed, set: { lastAttemptAt: now, lastError: error } });
    deps.logger.error("regulatory poll failed; nothing stored", { feed: FEED, error });
    return { status: "failed", seen: 0, stored: 0, error };
  }
}
