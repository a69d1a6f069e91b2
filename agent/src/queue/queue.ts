import type { Database, Statement } from "bun:sqlite";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { getMeta, setMeta } from "./db.ts";
import { isStream, STREAM_NAMES, STREAMS, type StreamName } from "./streams.ts";

/** Bytes counted per row beyond its payload (row header, key, index entries), so the bound tracks disk. */
export const ROW_OVERHEAD_BYTES = 128;

/** Something to deliver. `key` is the idempotency key: enqueueing it again is a no-op, and the cloud dedupes by it. */
export interface EnqueueItem {
  stream: StreamName;
  key: string;
  payload: string;
}

/** What happened to an enqueue. `accepted: false` only for sheddable items refused at the bound. */
export type EnqueueOutcome =
  | { accepted: true; id: number; duplicate: boolean; overBound: boolean }
  | { accepted: false; reason: string };

/** A queued item as stored. */
export interface QueueItem {
  id: number;
  stream: StreamName;
  key: string;
  payload: string;
  bytes: number;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  dead: boolean;
}

/** Depth and age of one stream. */
export interface StreamStats {
  depth: number;
  bytes: number;
  oldestAgeSec: number;
  maxAttempts: number;
  dead: number;
  shed: number;
  nextAttemptInSec: number | null;
}

/** Queue totals, per stream, and the disk bound. */
export interface QueueStats {
  depth: number;
  bytes: number;
  maxBytes: number;
  nearBound: boolean;
  oldestAgeSec: number;
  streams: Record<StreamName, StreamStats>;
}

export interface QueueOptions {
  maxBytes: number;
  /** Fraction of maxBytes at which `stats().nearBound` turns true (default 0.9). */
  nearBoundRatio?: number;
  backoff?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
}

interface Row {
  id: number;
  stream: string;
  key: string;
  payload: string;
  bytes: number;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  dead: number;
}

const toItem = (r: Row): QueueItem => ({
  id: r.id,
  stream: r.stream as StreamName,
  key: r.key,
  payload: r.payload,
  bytes: r.bytes,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  dead: r.dead === 1,
});

/**
 * Durable offline queue over the state database. At-least-once: an item stays until `ack`;
 * FIFO per stream (a stream's head in backoff holds back the items behind it); bounded disk:
 * past `maxBytes` the oldest items of the highest shed rank go first, a sheddable item that still
 * does not fit is refused, and evidence (rank 0) is always accepted, even over the bound.
 */
export class Queue {
  readonly maxBytes: number;
  private readonly nearBoundRatio: number;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private total: number;
  private readonly insert: Statement;
  private readonly exists: Statement;
  private readonly enqueueOne: (item: EnqueueItem) => EnqueueOutcome;
  private readonly enqueueAll: (items: EnqueueItem[]) => EnqueueOutcome[];

  constructor(
    readonly db: Database,
    opts: QueueOptions,
  ) {
    this.maxBytes = opts.maxBytes;
    this.nearBoundRatio = opts.nearBoundRatio ?? 0.9;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.insert = db.prepare(
      "INSERT OR IGNORE INTO queue (stream, key, payload, bytes, shed_rank, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.exists = db.prepare("SELECT 1 FROM queue WHERE key = ?");
    this.total = this.exactTotal();
    this.enqueueOne = db.transaction((item: EnqueueItem) => this.insertInTransaction(item));
    this.enqueueAll = db.transaction((items: EnqueueItem[]) => items.map((i) => this.insertInTransaction(i)));
  }

  private exactTotal(): number {
    return this.db.query<{ t: number | null }, []>("SELECT SUM(bytes) AS t FROM queue").get()?.t ?? 0;
  }

  /**
   * Insert without opening a transaction: for callers that must commit the enqueue together with
   * their own writes (the evidence chain head). Use `enqueue` otherwise.
   */
  insertInTransaction(item: EnqueueItem): EnqueueOutcome {
    if (!isStream(item.stream)) throw new Error(`queue: unknown stream "${item.stream}"`);
    const rank = STREAMS[item.stream].shedRank;
    const bytes = Buffer.byteLength(item.payload) + Buffer.byteLength(item.key) + ROW_OVERHEAD_BYTES;
    let overBound = false;
    if (this.total + bytes > this.maxBytes) {
      this.total = this.exactTotal(); // another process (the CLI) may have changed it
      if (this.total + bytes > this.maxBytes && !this.exists.get(item.key)) {
        this.shed(this.total + bytes - this.maxBytes, Math.max(1, rank));
        if (this.total + bytes > this.maxBytes) {
          if (rank > 0) {
            this.countShed(item.stream, 1);
            return { accepted: false, reason: `queue full (${this.total} of ${this.maxBytes} bytes)` };
          }
          overBound = true;
        }
      }
    }
    const r = this.insert.run(item.stream, item.key, item.payload, bytes, rank, this.now());
    if (r.changes === 0) {
      const id = this.db
        .query<{ id: number }, [string]>("SELECT id FROM queue WHERE key = ?")
        .get(item.key)?.id;
      return { accepted: true, id: id ?? 0, duplicate: true, overBound };
    }
    this.total += bytes;
    return { accepted: true, id: Number(r.lastInsertRowid), duplicate: false, overBound };
  }

  /** Durably enqueue one item: when this returns, the item survives a crash. */
  enqueue(item: EnqueueItem): EnqueueOutcome {
    return this.enqueueOne(item);
  }

  /** Durably enqueue many items in one transaction (one fsync): much faster than one by one. */
  enqueueMany(items: EnqueueItem[]): EnqueueOutcome[] {
    return this.enqueueAll(items);
  }

  // Free `need` bytes from rows of shed rank >= minRank, highest rank first, oldest first.
  private shed(need: number, minRank: number): void {
    const pick = this.db.query<{ id: number; bytes: number; stream: string }, [number]>(
      "SELECT id, bytes, stream FROM queue WHERE shed_rank >= ? AND shed_rank > 0 ORDER BY shed_rank DESC, id LIMIT 500",
    );
    const del = this.db.prepare("DELETE FROM queue WHERE id = ?");
    let freed = 0;
    while (freed < need) {
      const rows = pick.all(minRank);
      if (rows.length === 0) break;
      for (const row of rows) {
        del.run(row.id);
        freed += row.bytes;
        this.total -= row.bytes;
        this.countShed(row.stream as StreamName, 1);
        if (freed >= need) break;
      }
    }
  }

  private countShed(stream: StreamName, n: number): void {
    const name = `queue.shed.${stream}`;
    setMeta(this.db, name, String(Number(getMeta(this.db, name) ?? 0) + n));
  }

  /**
   * The next items of a stream to deliver, oldest first, or none while the stream's head waits
   * out its backoff (FIFO: nothing overtakes the head). Dead-lettered items are skipped.
   */
  nextBatch(stream: StreamName, limit: number, maxBytes = Number.POSITIVE_INFINITY): QueueItem[] {
    const rows = this.db
      .query<Row, [string, number]>("SELECT * FROM queue WHERE stream = ? AND dead = 0 ORDER BY id LIMIT ?")
      .all(stream, limit);
    if (rows.length === 0 || rows[0]!.next_attempt_at > this.now()) return [];
    const out: QueueItem[] = [];
    let size = 0;
    for (const r of rows) {
      if (out.length > 0 && size + r.bytes > maxBytes) break;
      size += r.bytes;
      out.push(toItem(r));
    }
    return out;
  }

  /** Delivered: remove the items. */
  ack(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const del = this.db.prepare("DELETE FROM queue WHERE id = ? RETURNING bytes");
    this.db.transaction(() => {
      for (const id of ids) {
        const r = del.get(id) as { bytes: number } | null;
        if (r) this.total -= r.bytes;
      }
    })();
  }

  /** Delivery failed: count the attempt and back off (at least `retryAfterMs` when the cloud said so). */
  fail(ids: readonly number[], error: string, retryAfterMs = 0): void {
    const get = this.db.prepare("SELECT attempts FROM queue WHERE id = ?");
    const upd = this.db.prepare(
      "UPDATE queue SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
    );
    const now = this.now();
    this.db.transaction(() => {
      for (const id of ids) {
        const r = get.get(id) as { attempts: number } | null;
        if (!r) continue;
        const attempts = r.attempts + 1;
        const delay = Math.max(backoffDelay(attempts, this.backoff, this.random), retryAfterMs);
        upd.run(attempts, now + delay, error.slice(0, 500), id);
      }
    })();
  }

  /**
   * Set aside items the cloud refuses for good. They are kept (evidence is never deleted), listed
   * by `peek` and counted in stats, but no longer block their stream.
   */
  deadLetter(ids: readonly number[], reason: string): void {
    const upd = this.db.prepare("UPDATE queue SET dead = 1, last_error = ? WHERE id = ?");
    this.db.transaction(() => {
      for (const id of ids) upd.run(reason.slice(0, 500), id);
    })();
  }

  /** Make every waiting item deliverable now (`malachor queue flush`). Returns how many were waiting. */
  resetBackoff(): number {
    return this.db
      .prepare("UPDATE queue SET next_attempt_at = 0 WHERE next_attempt_at > 0 AND dead = 0")
      .run().changes;
  }

  /**
   * The oldest items, of one stream or all, without changing anything. The payload of a secret
   * stream (recovery keys) is withheld: peek feeds `malachor queue peek` and the local API.
   */
  peek(stream: StreamName | undefined, limit: number): QueueItem[] {
    const rows = stream
      ? this.db
          .query<Row, [string, number]>("SELECT * FROM queue WHERE stream = ? ORDER BY id LIMIT ?")
          .all(stream, limit)
      : this.db.query<Row, [number]>("SELECT * FROM queue ORDER BY id LIMIT ?").all(limit);
    return rows.map((r) => {
      const item = toItem(r);
      return isStream(item.stream) && STREAMS[item.stream].secret
        ? { ...item, payload: `(withheld: ${item.stream} payloads are secret)` }
        : item;
    });
  }

  /** Depth, bytes and ages, per stream and in total. */
  stats(): QueueStats {
    const now = this.now();
    const rows = this.db
      .query<
        {
          stream: string;
          depth: number;
          bytes: number;
          oldest: number;
          max_attempts: number;
          dead: number;
          next_at: number | null;
        },
        []
      >(
        `SELECT stream, COUNT(*) AS depth, SUM(bytes) AS bytes, MIN(created_at) AS oldest,
                MAX(attempts) AS max_attempts, SUM(dead) AS dead,
                (SELECT h.next_attempt_at FROM queue h WHERE h.stream = q.stream AND h.dead = 0
                  ORDER BY h.id LIMIT 1) AS next_at
           FROM queue q GROUP BY stream`,
      )
      .all();
    const streams = {} as Record<StreamName, StreamStats>;
    for (const name of STREAM_NAMES) {
      const r = rows.find((x) => x.stream === name);
      streams[name] = {
        depth: r?.depth ?? 0,
        bytes: r?.bytes ?? 0,
        oldestAgeSec: r ? Math.max(0, Math.floor((now - r.oldest) / 1000)) : 0,
        maxAttempts: r?.max_attempts ?? 0,
        dead: r?.dead ?? 0,
        shed: Number(getMeta(this.db, `queue.shed.${name}`) ?? 0),
        nextAttemptInSec: r?.next_at == null ? null : Math.max(0, Math.ceil((r.next_at - now) / 1000)),
      };
    }
    const bytes = rows.reduce((s, r) => s + r.bytes, 0);
    this.total = bytes;
    return {
      depth: rows.reduce((s, r) => s + r.depth, 0),
      bytes,
      maxBytes: this.maxBytes,
      nearBound: bytes >= this.maxBytes * this.nearBoundRatio,
      oldestAgeSec: Math.max(0, ...Object.values(streams).map((s) => s.oldestAgeSec)),
      streams,
    };
  }
}
