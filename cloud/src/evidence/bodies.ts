/**
 * The one way the cloud reads evidence bundle bodies (portal and dashboard pages, exports, the
 * auditor's kit, the chain audit, MCP, disaster recovery). A chain row is the index of its bundle;
 * the body is in the object store (gzip for v2), in the outbox until the store has confirmed it, or,
 * on rows stored before migration 2400, in the row itself. Bodies never change once stored, so
 * a bounded LRU cache keeps the ones read lately.
 */
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import { evidenceChain, evidenceOutbox } from "../db/schema/evidence.ts";
import { evidenceObjectText, type ObjectStore } from "../store/object-store.ts";

/** A bundle's place in its appliance's chain. */
export interface BundleRef {
  applianceId: string;
  seq: number;
}

/** What a chain row says about where its body is (see evidenceChain). */
export interface BodyIndex extends BundleRef {
  objectKey: string;
  /** The body itself, on rows stored before migration 2400 only. */
  body: string | null;
}

/** The index columns a caller selects so that `texts` needs no second lookup. */
export const bodyIndexColumns = {
  applianceId: evidenceChain.applianceId,
  seq: evidenceChain.seq,
  hash: evidenceChain.hash,
  objectKey: evidenceChain.objectKey,
  body: evidenceChain.body,
};

/**
 * The index rows (bodyIndexColumns) of the chain rows that meet every condition, ready for `texts`;
 * the caller orders and limits.
 */
export function chainIndexRows(db: Db, ...conditions: (SQL | undefined)[]) {
  return db
    .select(bodyIndexColumns)
    .from(evidenceChain)
    .where(and(...conditions));
}

/** A stored body that cannot be read: in neither the store nor the outbox, or not decodable. */
export class EvidenceBodyError extends Error {
  override name = "EvidenceBodyError";
}

/** Reader of stored bundle bodies, with a cache. */
export interface EvidenceBodies {
  /** The canonical texts of these chain rows, in the same order. */
  texts(rows: readonly BodyIndex[]): Promise<string[]>;
  /** The canonical texts of these bundles, in the same order (their index rows looked up first). */
  read(refs: readonly BundleRef[]): Promise<string[]>;
  /**
   * The text of the object stored under `key`, decoded as its key says (null when absent); for
   * disaster recovery, which has objects but no chain rows to check them against.
   */
  object(key: string): Promise<string | null>;
  /** The bundles parsed (JSON), in the same order. */
  parsed<T>(refs: readonly BundleRef[]): Promise<T[]>;
  /** What the cache holds now, and how often it answered. */
  readonly stats: { entries: number; bytes: number; hits: number; misses: number };
}

/** What reads bodies needs: the database (chain rows) and the reader. */
export interface BodySource {
  db: Db;
  bodies: EvidenceBodies;
}

/** Default cache bound: 64 MiB of text. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

const keyOf = (r: BundleRef) => `${r.applianceId}#${Number(r.seq)}`;

/**
 * A bounded least-recently-used cache of texts. The size of a text is counted as its length (what a
 * JavaScript string of mostly ASCII JSON costs, within a small factor); one larger than an eighth of
 * the bound is not kept, so one huge body never empties the cache.
 */
export class TextLru {
  private readonly map = new Map<string, string>();
  bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserting moves the entry to the young end of the Map's order.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, text: string): void {
    if (text.length > this.maxBytes / 8 || this.map.has(key)) return;
    this.map.set(key, text);
    this.bytes += text.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.length;
    }
  }

  get entries(): number {
    return this.map.size;
  }
}

/** Columns naming a bundle: the chain's and the outbox's. */
type RefColumns = { applianceId: AnyPgColumn; seq: AnyPgColumn };

/**
 * Rows of the given bundles, `query` run once per group of at most 500 (within the bind-parameter
 * limit), its WHERE built for the group from the table's appliance and seq columns.
 */
async function selectByRefs<T>(
  refs: readonly BundleRef[],
  query: (where: (t: RefColumns) => SQL | undefined) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < refs.length; i += 500) {
    const byApp = new Map<string, number[]>();
    for (const r of refs.slice(i, i + 500))
      byApp.set(r.applianceId, [...(byApp.get(r.applianceId) ?? []), Number(r.seq)]);
    out.push(
      ...(await query((t) =>
        or(...[...byApp].map(([a, seqs]) => and(eq(t.applianceId, a), inArray(t.seq, seqs)))),
      )),
    );
  }
  return out;
}

/** The body reader over the cloud's database and object store. */
export function evidenceBodies(
  db: Db,
  store: ObjectStore,
  opts: { maxCacheBytes?: number } = {},
): EvidenceBodies {
  const cache = new TextLru(opts.maxCacheBytes ?? DEFAULT_CACHE_BYTES);

  const decode = (key: string, bytes: Uint8Array, what = "") => {
    try {
      return evidenceObjectText(key, bytes);
    } catch (e) {
      throw new EvidenceBodyError(`evidence object ${key}${what} cannot be read: ${(e as Error).message}`);
    }
  };

  /**
   * A store object's text, as the store holds it: not checked here against the chain row, so that
   * an altered object reaches the chain audit and `malachor evidence verify`, whose verdict on it
   * (a broken link or signature) is the one of record.
   */
  const fromStore = async (row: BodyIndex): Promise<string | null> => {
    const bytes = await store.get(row.objectKey);
    return bytes ? decode(row.objectKey, bytes, ` (bundle #${row.seq} of ${row.applianceId})`) : null;
  };

  /** Bodies still waiting in the outbox, by bundle. */
  const fromOutbox = async (rows: readonly BodyIndex[]): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    const found = await selectByRefs(rows, (where) =>
      db
        .select({
          applianceId: evidenceOutbox.applianceId,
          seq: evidenceOutbox.seq,
          body: evidenceOutbox.body,
        })
        .from(evidenceOutbox)
        .where(where(evidenceOutbox)),
    );
    for (const f of found) if (f.body !== null) out.set(keyOf(f), f.body);
    return out;
  };

  /** Texts of the rows; `cached`: look in the cache first (false when the caller just did). */
  const load = async (rows: readonly BodyIndex[], cached: boolean): Promise<string[]> => {
    const out: (string | undefined)[] = rows.map((r) => r.body ?? (cached ? cache.get(keyOf(r)) : undefined));
    const missing = rows.filter((_, i) => out[i] === undefined);
    // Store reads in parallel groups: an S3 round trip each.
    const got = new Map<string, string | null>();
    for (let i = 0; i < missing.length; i += 32) {
      const group = missing.slice(i, i + 32);
      const read = await Promise.all(group.map(fromStore));
      for (const [j, r] of group.entries()) got.set(keyOf(r), read[j]!);
    }
    const notYet = missing.filter((r) => got.get(keyOf(r)) === null);
    if (notYet.length > 0) {
      const queued = await fromOutbox(notYet);
      for (const r of notYet) {
        // The outbox may have written the object and dropped its entry between the two reads.
        got.set(keyOf(r), queued.get(keyOf(r)) ?? (await fromStore(r)));
      }
    }
    return rows.map((r, i) => {
      const known = out[i];
      if (known !== undefined) return known;
      const text = got.get(keyOf(r));
      if (text === null || text === undefined) {
        throw new EvidenceBodyError(
          `evidence object ${r.objectKey} (bundle #${r.seq} of ${r.applianceId}) is neither in the ${store.kind} store nor in the outbox`,
        );
      }
      cache.set(keyOf(r), text);
      return text;
    });
  };

  const read = async (refs: readonly BundleRef[]): Promise<string[]> => {
    if (refs.length === 0) return [];
    const cached = refs.map((r) => cache.get(keyOf(r)));
    const need = refs.filter((_, i) => cached[i] === undefined);
    const byKey = new Map<string, BodyIndex>();
    const rows = await selectByRefs(need, (where) => chainIndexRows(db, where(evidenceChain)));
    for (const r of rows) byKey.set(keyOf(r), { ...r, seq: Number(r.seq) });
    const index = need.map((r) => {
      const row = byKey.get(keyOf(r));
      if (!row) throw new EvidenceBodyError(`bundle #${r.seq} of ${r.applianceId} is not in the chain`);
      return row;
    });
    // Looked up in the cache above: once is one miss.
    const fetched = await load(index, false);
    let j = 0;
    return cached.map((c) => c ?? fetched[j++]!);
  };

  return {
    texts: (rows) => load(rows, true),
    read,
    async object(key) {
      const bytes = await store.get(key);
      return bytes ? decode(key, bytes) : null;
    },
    async parsed<T>(refs: readonly BundleRef[]) {
      return (await read(refs)).map((t) => JSON.parse(t) as T);
    },
    get stats() {
      return { entries: cache.entries, bytes: cache.bytes, hits: cache.hits, misses: cache.misses };
    },
  };
}
