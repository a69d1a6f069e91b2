import type { Database } from "bun:sqlite";
import { canonicalize } from "../../../protocol/canonical.ts";
import {
  type BundleContent,
  buildBundle,
  bundleHash,
  type ChainHead,
  type EvidenceBundle,
  GENESIS_HASH,
} from "../../../protocol/evidence.ts";
import { type ChainSide, handedOverEvent, takenOverEvent } from "../../../protocol/handover.ts";
import { getMeta, setMeta } from "../queue/db.ts";
import type { Queue } from "../queue/queue.ts";
import { chainHead, HEAD_META } from "./head.ts";
import type { Identity } from "./identity.ts";
import { standingLogAlarm } from "./log-watch.ts";

const CLOUD_SEQ = "chain.cloud-seq";
/** Meta key naming the site and appliance the current chain belongs to (set by its first bundle). */
export const OWNER_META = "chain.owner";

/** Whose chain it is. */
export interface ChainOwner {
  siteId: string;
  applianceId: string;
}

/** A chain closed at re-enrolment and handed over to the identity that followed it. */
export interface HandedOverChain {
  applianceId: string;
  siteId: string;
  publicKey: string;
  /** The closing bundle. */
  headSeq: number;
  headHash: string;
  successorId: string;
  /** The highest sequence the cloud confirmed holding. */
  cloudSeq: number;
  handedOverAt: string;
}

/** Idempotency key of a bundle in the queue (and at the cloud): one per appliance and sequence. */
export const bundleKey = (applianceId: string, seq: number) => `evidence:${applianceId}:${seq}`;

/** The appliance id a bundle's queue key names. */
export const chainOfKey = (key: string) => key.slice("evidence:".length, key.lastIndexOf(":"));

/**
 * The state holds another identity's chain than the config names: appending would fork it or mix
 * two identities in one chain. The message says what to do.
 */
export class ChainOwnerError extends Error {
  override name = "ChainOwnerError";
}

/** The current chain's owner in a state database, if it has a bundle yet. */
export function chainOwner(db: Database): ChainOwner | undefined {
  const raw = getMeta(db, OWNER_META);
  return raw ? (JSON.parse(raw) as ChainOwner) : undefined;
}

interface HandedOverRow {
  appliance_id: string;
  site_id: string;
  public_key: string;
  head_seq: number;
  head_hash: string;
  successor_id: string;
  cloud_seq: number;
  handed_over_at: string;
}

const toHandedOver = (r: HandedOverRow): HandedOverChain => ({
  applianceId: r.appliance_id,
  siteId: r.site_id,
  publicKey: r.public_key,
  headSeq: r.head_seq,
  headHash: r.head_hash,
  successorId: r.successor_id,
  cloudSeq: r.cloud_seq,
  handedOverAt: r.handed_over_at,
});

/**
 * The appliance's evidence chain. `append` signs the next bundle and, in ONE SQLite transaction,
 * archives it, enqueues it for upload and moves the head: after a crash either all three happened
 * or none did, so the chain never has a gap or a fork. The state may also hold chains of earlier
 * identities, handed over at re-enrolment (`handOver`) and still uploading.
 */
export class ChainStore {
  private readonly db: Database;

  constructor(
    private readonly queue: Queue,
    private readonly ids: ChainOwner,
    private readonly identity: Identity,
  ) {
    this.db = queue.db;
  }

  /** Sequence number and hash of the newest bundle of the current chain (seq 0 when empty). */
  head(): ChainHead {
    return chainHead(this.db);
  }

  /** Public key of the identity this store signs with. */
  get publicKey(): string {
    return this.identity.publicKey;
  }

  /**
   * Throw a ChainOwnerError unless the current chain is this store's (or has no bundle yet): a
   * daemon started with another identity than the chain's must not extend it.
   */
  assertOwner(): void {
    const owner = chainOwner(this.db);
    if (!owner || (owner.applianceId === this.ids.applianceId && owner.siteId === this.ids.siteId)) return;
    const mine = this.handedOver().find((h) => h.applianceId === this.ids.applianceId);
    throw new ChainOwnerError(
      mine
        ? `the evidence chain of appliance ${mine.applianceId} was handed over to ${mine.successorId} at re-enrolment (${mine.handedOverAt}); restart the agent so it runs with the new config (systemctl restart malachor)`
        : `this state holds the evidence chain of appliance ${owner.applianceId} (site ${owner.siteId}), but the config names appliance ${this.ids.applianceId} (site ${this.ids.siteId}); restore [appliance] site_id and appliance_id, or enrol with \`malachor provision enroll\`, which hands the chain over to the new identity`,
    );
  }

  // Inside a transaction: sign the bundle after `head` as `ids` with `identity`, archive, enqueue, move the head.
  private appendAs(ids: ChainOwner, identity: Identity, content: BundleContent): EvidenceBundle {
    const head = this.head(); // read inside the transaction: the head we extend is the head we replace
    const bundle = buildBundle(ids, head, content, identity.secretKey);
    const hash = bundleHash(bundle);
    const text = canonicalize(bundle);
    this.db
      .query("INSERT INTO evidence (appliance_id, seq, hash, bundle, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(ids.applianceId, bundle.seq, hash, text, bundle.createdAt);
    const r = this.queue.insertInTransaction({
      stream: "evidence",
      key: bundleKey(ids.applianceId, bundle.seq),
      payload: text,
    });
    if (!r.accepted) throw new Error(`evidence refused by the queue: ${r.reason}`); // cannot happen: rank 0
    setMeta(this.db, HEAD_META, JSON.stringify({ seq: bundle.seq, hash }));
    if (bundle.seq === 1 || !getMeta(this.db, OWNER_META)) setMeta(this.db, OWNER_META, JSON.stringify(ids));
    return bundle;
  }

  /** Sign, archive, enqueue and advance the head, atomically. Returns the new bundle. */
  /** Run `fn` in one state-database transaction (appends inside it commit with whatever else it writes). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  append(content: BundleContent): EvidenceBundle {
    return this.db.transaction(() => {
      this.assertOwner();
      return this.appendAs(
        { siteId: this.ids.siteId, applianceId: this.ids.applianceId },
        this.identity,
        content,
      );
    })();
  }

  /**
   * Close this store's chain and start `to`'s, atomically: a last bundle signed by this identity
   * names the successor (id, site, key); the successor's first bundle, signed by its key, names
   * the closing bundle's sequence and hash. The closed chain stays archived and queued (evidence
   * the cloud refused under the old identity is queued again), uploaded by the successor.
   */
  handOver(
    to: ChainOwner & { identity: Identity },
    at: string,
  ): { closing: EvidenceBundle; opening: EvidenceBundle } {
    return this.db.transaction(() => {
      this.assertOwner();
      if (this.head().seq === 0) throw new ChainOwnerError("there is no chain to hand over (no bundle yet)");
      const from: ChainSide = { ...this.ids, publicKey: this.identity.publicKey };
      const next: ChainSide = {
        siteId: to.siteId,
        applianceId: to.applianceId,
        publicKey: to.identity.publicKey,
      };
      const cloudSeq = this.cloudSeq();
      const closing = this.appendAs(this.ids, this.identity, {
        kind: "event",
        createdAt: at,
        events: [handedOverEvent(from, next, at)],
      });
      const closed = { seq: closing.seq, hash: bundleHash(closing) };
      this.db
        .query(
          `INSERT INTO handed_over (appliance_id, site_id, public_key, head_seq, head_hash, successor_id, cloud_seq, handed_over_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          from.applianceId,
          from.siteId,
          from.publicKey,
          closed.seq,
          closed.hash,
          to.applianceId,
          cloudSeq,
          at,
        );
      // Set aside by an uploader that could not deliver them under the old identity: due again now.
      this.db
        .query(
          "UPDATE queue SET dead = 0, attempts = 0, next_attempt_at = 0, last_error = NULL WHERE stream = 'evidence' AND substr(key, 1, ?) = ?",
        )
        .run(...prefixArgs(from.applianceId));
      setMeta(this.db, HEAD_META, JSON.stringify({ seq: 0, hash: GENESIS_HASH }));
      setMeta(this.db, CLOUD_SEQ, "0");
      const opening = this.appendAs({ siteId: to.siteId, applianceId: to.applianceId }, to.identity, {
        kind: "event",
        createdAt: at,
        events: [takenOverEvent(from, closed, next, at)],
      });
      return { closing, opening };
    })();
  }

  /** Chains of earlier identities this state still holds, oldest first. */
  handedOver(): HandedOverChain[] {
    return this.db
      .query<HandedOverRow, []>("SELECT * FROM handed_over ORDER BY handed_over_at, rowid")
      .all()
      .map(toHandedOver);
  }

  // The head and confirmed sequence of one chain: the current one, or one handed over.
  private position(applianceId: string): { head: ChainHead; cloudSeq: number; current: boolean } | undefined {
    if (applianceId === this.ids.applianceId) {
      return { head: this.head(), cloudSeq: Number(getMeta(this.db, CLOUD_SEQ) ?? 0), current: true };
    }
    const r = this.db
      .query<HandedOverRow, [string]>("SELECT * FROM handed_over WHERE appliance_id = ?")
      .get(applianceId);
    return r
      ? { head: { seq: r.head_seq, hash: r.head_hash }, cloudSeq: r.cloud_seq, current: false }
      : undefined;
  }

  private setCloudSeq(applianceId: string, seq: number, current: boolean): void {
    if (current) setMeta(this.db, CLOUD_SEQ, String(seq));
    else this.db.query("UPDATE handed_over SET cloud_seq = ? WHERE appliance_id = ?").run(seq, applianceId);
  }

  /** Archived bundles of a chain (default the current one) with seq > after, in order. */
  bundlesAfter(after: number, limit = 10_000, applianceId = this.ids.applianceId): EvidenceBundle[] {
    return this.db
      .query<{ bundle: string }, [string, number, number]>(
        "SELECT bundle FROM evidence WHERE appliance_id = ? AND seq > ? ORDER BY seq LIMIT ?",
      )
      .all(applianceId, after, limit)
      .map((r) => JSON.parse(r.bundle) as EvidenceBundle);
  }

  /** The highest sequence of a chain (default the current one) the cloud confirmed holding. */
  cloudSeq(applianceId = this.ids.applianceId): number {
    return this.position(applianceId)?.cloudSeq ?? 0;
  }

  /**
   * Reconcile a chain (default the current one) with what the cloud says it holds. If it is behind
   * the bundles still queued (it lost some we already delivered, e.g. restored from backup),
   * requeue everything after its head from the archive, in order. Returns how many bundles were
   * requeued, or a warning when the cloud claims more than we ever signed (a fork risk a person
   * must look at).
   */
  reconcile(cloudSeq: number, applianceId = this.ids.applianceId): { requeued: number; warning?: string } {
    return this.db.transaction(() => {
      const at = this.position(applianceId);
      if (!at)
        return {
          requeued: 0,
          warning: `the cloud answered for chain ${applianceId}, which this appliance does not hold`,
        };
      const { head, current } = at;
      this.setCloudSeq(applianceId, Math.min(cloudSeq, head.seq), current);
      if (cloudSeq > head.seq) {
        return {
          requeued: 0,
          warning: `cloud holds evidence up to #${cloudSeq} but this appliance's chain ${applianceId} ends at #${head.seq}`,
        };
      }
      if (cloudSeq === head.seq) return { requeued: 0 };
      const prefix = prefixArgs(applianceId);
      const queued = this.db
        .query<{ key: string }, [number, string]>(
          "SELECT key FROM queue WHERE stream = 'evidence' AND dead = 0 AND substr(key, 1, ?) = ? ORDER BY id",
        )
        .all(...prefix)
        .map((r) => Number(r.key.slice(r.key.lastIndexOf(":") + 1)));
      const firstQueued = queued.length ? Math.min(...queued) : head.seq + 1;
      if (firstQueued <= cloudSeq + 1) return { requeued: 0 }; // everything missing is still queued
      // Drop this chain's queued tail and enqueue cloudSeq+1 … head again, so FIFO order equals chain order.
      this.db
        .query("DELETE FROM queue WHERE stream = 'evidence' AND dead = 0 AND substr(key, 1, ?) = ?")
        .run(...prefix);
      const rows = this.db
        .query<{ seq: number; bundle: string }, [string, number]>(
          "SELECT seq, bundle FROM evidence WHERE appliance_id = ? AND seq > ? ORDER BY seq",
        )
        .all(applianceId, cloudSeq);
      for (const r of rows) {
        this.queue.insertInTransaction({
          stream: "evidence",
          key: bundleKey(applianceId, r.seq),
          payload: r.bundle,
        });
      }
      return { requeued: rows.length - queued.length };
    })();
  }

  /**
   * Record that the cloud confirmed holding a chain (default the current one) up to `seq` (after
   * an upload), and forget archived bundles it has held for a while: the last `keep` confirmed
   * ones stay for resends. While an alarm on the cloud's log stands (log-watch.ts) nothing is
   * forgotten: the appliance's own copy is the evidence the cloud's may no longer be.
   */
  confirm(seq: number, keep = 20_000, applianceId = this.ids.applianceId): void {
    const at = this.position(applianceId);
    if (!at || seq <= at.cloudSeq) return;
    const confirmed = Math.min(seq, at.head.seq);
    this.db.transaction(() => {
      this.setCloudSeq(applianceId, confirmed, at.current);
      if (standingLogAlarm(this.db)) return;
      this.db
        .query("DELETE FROM evidence WHERE appliance_id = ? AND seq <= ?")
        .run(applianceId, confirmed - keep);
    })();
  }
}

// `substr(key, 1, ?) = ?` arguments selecting one chain's queue keys (ids may hold `_`, a LIKE wildcard).
function prefixArgs(applianceId: string): [number, string] {
  const prefix = `evidence:${applianceId}:`;
  return [prefix.length, prefix];
}
