/**
 * Client for the Federal Register API (documents.json search): builds the query for one watch
 * term, follows `next_page_url`, and validates every page. Knows nothing about the database.
 */
import * as v from "valibot";
import { describeIssues, ID_PATTERN } from "../../../protocol/common.ts";

/** A feed answer that cannot be used; the message names the URL and what was wrong. */
export class RegulatoryFeedError extends Error {
  override name = "RegulatoryFeedError";
}

const Agency = v.object({
  raw_name: v.optional(v.nullable(v.string())),
  name: v.optional(v.nullable(v.string())),
});

/** One search result. Unknown fields (pdf_url, excerpts…) are ignored. */
export const FederalRegisterDocument = v.object({
  // Stored and shown as an id, so it follows the one id pattern.
  document_number: v.pipe(v.string(), v.regex(ID_PATTERN, "must be a document number")),
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
  type: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  abstract: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(20_000)))),
  html_url: v.pipe(v.string(), v.url(), v.startsWith("https://", "must be an https:// URL")),
  publication_date: v.pipe(v.string(), v.isoDate("must be a YYYY-MM-DD date")),
  agencies: v.optional(v.array(Agency), []),
});
export type FederalRegisterDocument = v.InferOutput<typeof FederalRegisterDocument>;

/** One page of documents.json. An empty search has no `results` at all. */
export const FederalRegisterPage = v.object({
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
  total_pages: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  next_page_url: v.optional(v.nullable(v.pipe(v.string(), v.url()))),
  results: v.optional(v.array(FederalRegisterDocument), []),
});
export type FederalRegisterPage = v.InferOutput<typeof FederalRegisterPage>;

/** Fields we ask for (smaller answers than the default set). */
const FIELDS = ["document_number", "title", "type", "abstract", "html_url", "publication_date", "agencies"];

/** The first-page URL of a search for `term` published on or after `since` (YYYY-MM-DD). */
export function searchUrl(baseUrl: string, term: string, since: string, perPage = 100): string {
  const q = new URLSearchParams();
  q.set("conditions[term]", term);
  q.set("conditions[publication_date][gte]", since);
  q.set("order", "newest");
  q.set("per_page", String(perPage));
  for (const f of FIELDS) q.append("fields[]", f);
  return `${baseUrl.replace(/\/+$/, "")}/documents.json?${q}`;
}

/** How the client fetches; tests point it at a loopback server. */
export interface FeedFetchOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Stop (with an error, nothing kept) past this many pages: a runaway feed is not followed forever. */
  maxPages?: number;
}

async function fetchPage(url: string, opts: FeedFetchOptions): Promise<FederalRegisterPage> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new RegulatoryFeedError(`federal register: ${url}: cannot fetch: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new RegulatoryFeedError(`federal register: ${url}: HTTP ${res.status}`);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    throw new RegulatoryFeedError(`federal register: ${url}: answer is not JSON`);
  }
  const r = v.safeParse(FederalRegisterPage, json);
  if (!r.success) {
    throw new RegulatoryFeedError(`federal register: ${url}: malformed answer: ${describeIssues(r.issues)}`);
  }
  return r.output;
}

/**
 * Every document of a search, following `next_page_url`. All pages are validated before anything
 * is returned, so a malformed page anywhere means nothing of the search is used. Pages are only
 * followed on the origin of `firstUrl`: the feed cannot send the poller elsewhere.
 */
export async function fetchAllDocuments(
  firstUrl: string,
  opts: FeedFetchOptions = {},
): Promise<FederalRegisterDocument[]> {
  const origin = new URL(firstUrl).origin;
  const maxPages = opts.maxPages ?? 20;
  const docs: FederalRegisterDocument[] = [];
  const seen = new Set<string>();
  let url: string | null | undefined = firstUrl;
  for (let page = 1; url; page++) {
    if (page > maxPages)
      throw new RegulatoryFeedError(`federal register: more than ${maxPages} pages from ${firstUrl}`);
    if (new URL(url).origin !== origin) {
      throw new RegulatoryFeedError(`federal register: refusing next_page_url on another host: ${url}`);
    }
    if (seen.has(url)) throw new RegulatoryFeedError(`federal register: next_page_url loops back to ${url}`);
    seen.add(url);
    const p = await fetchPage(url, opts);
    docs.push(...p.results);
    url = p.next_page_url;
  }
  return docs;
}

/** Agency names of a document, preferring the register's display name. */
export function agencyNames(d: FederalRegisterDocument): string[] {
  return d.agencies.map((a) => a.name ?? a.raw_name ?? "").filter((n) => n !== "");
}
