import type { Database } from "bun:sqlite";
import { canonicalize } from "../../../protocol/canonical.ts";
import {
  type BundleContent,
  buildBundle,
  bundleHash,
  type ChainHead,
  type EvidenceBundle,
} from "../../../protocol/evidence.ts";
import { getMeta, setMeta } from "../queue/db.ts";
import type { Queue } from "../queue/queue.ts";
import { chainHead, HEAD_META } from "./head.ts";
import type { Identity } from "./identity.ts";

const CLOUD_SEQ = "chain.cloud-seq";

/** Idempotency key of a bundle in the queue (and at the cloud): one per appliance and sequence. */
export const bundleKey = (applianceId: string, seq: number) => `evidence:${applianceId}:${seq}`;

/**
 * The appliance's evidence chain. `append` signs the next bundle and, in ONE SQLite transaction,
 * archives it, enqueues it for upload and moves the head: after a crash either all three happened
 * or none did, so the chain never has a gap or a fork.
 */
export class ChainStore {
  private readonly db: Database;

  constructor(
    private readonly queue: Queue,
    private readonly ids: { siteId: string; applianceId: string },
    private readonly identity: Identity,
  ) {
    this.db = queue.db;
  }

  /** Sequence number and hash of the newest bundle (seq 0 for an empty chain). */
  head(): ChainHead {
    return chainHead(this.db);
  }

  /** Sign, archive, enqueue and advance the head, atomically. Returns the new bundle. */
  append(content: BundleContent): EvidenceBundle {
    return this.db.transaction(() => {
      const head = this.head(); // read inside the transaction: the head we extend is the head we replace
      const bundle = buildBundle(this.ids, head, content, this.identity.secretKey);
      const hash = bundleHash(bundle);
      const text = canonicalize(bundle);
      this.db
        .query("INSERT INTO evidence (seq, hash, bundle, created_at) VALUES (?, ?, ?, ?)")
        .run(bundle.seq, hash, text, bundle.createdAt);
      const r = this.queue.insertInTransaction({
        stream: "evidence",
        key: bundleKey(this.ids.applianceId, bundle.seq),
        payload: text,
      });
      if (!r.accepted) throw new Error(`evidence refused by the queue: ${r.reason}`); // cannot happen: rank 0
      setMeta(this.db, HEAD_META, JSON.stringify({ seq: bundle.seq, hash }));
      return bundle;
    })();
  }

  /** Archived bundles with seq > after, in order. */
  bundlesAfter(after: number, limit = 10_000): EvidenceBundle[] {
    return this.db
      .query<{ bundle: string }, [number, number]>(
        "SELECT bundle FROM evidence WHERE seq > ? ORDER BY seq LIMIT ?",
      )
      .all(after, limit)
      .map((r) => JSON.parse(r.bundle) as EvidenceBundle);
  }

  /** The highest sequence the cloud confirmed holding (from checkin or upload results). */
  cloudSeq(): number {
    return Number(getMeta(this.db, CLOUD_SEQ) ?? 0);
  }

  /**
   * Reconcile with what the cloud says it holds. If it is behind the bundles still queued (it lost
   * some we already delivered, e.g. restored from backup), requeue everything after its head from
   * the archive, in order. Returns how many bundles were requeued, or a warning when the cloud
   * claims more than we ever signed (a fork risk a person must look at).
   */
  reconcile(cloudSeq: number): { requeued: number; warning?: string } {
    return this.db.transaction(() => {
      const head = this.head();
      setMeta(this.db, CLOUD_SEQ, String(Math.min(cloudSeq, head.seq)));
      if (cloudSeq > head.seq) {
        return {
          requeued: 0,
          warning: `cloud holds evidence up to #${cloudSeq} but this appliance's chain ends at #${head.seq}`,
        };
      }
      if (cloudSeq === head.seq) return { requeued: 0 };
      const queued = this.db
        .query<{ key: string }, []>(
          "SELECT key FROM queue WHERE stream = 'evidence' AND dead = 0 ORDER BY id",
        )
        .all()
        .map((r) => Number(r.key.slice(r.key.lastIndexOf(":") + 1)));
      const firstQueued = queued.length ? Math.min(...queued) : head.seq + 1;
      if (firstQueued <= cloudSeq + 1) return { requeued: 0 }; // everything missing is still queued
      // Drop the queued tail and enqueue cloudSeq+1 … head again, so FIFO order equals chain order.
      this.db.query("DELETE FROM queue WHERE stream = 'evidence' AND dead = 0").run();
      const rows = this.db
        .query<{ seq: number; bundle: string }, [number]>(
          "SELECT seq, bundle FROM evidence WHERE seq > ? ORDER BY seq",
        )
        .all(cloudSeq);
      for (const r of rows) {
        this.queue.insertInTransaction({
          stream: "evidence",
          key: bundleKey(this.ids.applianceId, r.seq),
          payload: r.bundle,
        });
      }
      return { requeued: rows.length - queued.length };
    })();
  }

  /**
   * Record that the cloud confirmed holding up to `seq` (after an upload), and forget archived
   * bundles the cloud has held for a while: the last `keep` confirmed ones stay for resends.
   */
  confirm(seq: number, keep = 20_000): void {
    if (seq <= this.cloudSeq()) return;
    const confirmed = Math.min(seq, this.head().seq);
    this.db.transaction(() => {
      setMeta(this.db, CLOUD_SEQ, String(confirmed));
      this.db.query("DELETE FROM evidence WHERE seq <= ?").run(confirmed - keep);
    })();
  }
}
