import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { OrderCompletion } from "../../../protocol/order.ts";

/** What the store knows about a nonce before an order is run. */
export type NonceState =
  | { kind: "new" }
  /** The same order (same envelope) seen before and finished: resend this completion, never rerun. */
  | { kind: "completed"; completion: OrderCompletion }
  /** The same order started before but never finished (the agent died mid-run). */
  | { kind: "interrupted"; receivedAt: number }
  /** The nonce belongs to a different order or envelope: a replay. */
  | { kind: "replayed"; firstOrderId: string; receivedAt: number };

interface Row {
  order_id: string;
  envelope_hash: string;
  received_at: number;
  completion: string | null;
}

/** How long a nonce is remembered past its order's expiry (an expired order is refused anyway). */
const RETAIN_AFTER_EXPIRY_MS = 7 * 24 * 3600_000;

/**
 * Durable record of every order nonce the agent has accepted, in the agent's state database
 * (WAL, synchronous=FULL, so a claim that returned survives kill -9). A nonce is claimed before
 * its order runs, so a crash mid-run can never lead to running the same order twice.
 */
export class NonceStore {
  constructor(private readonly db: Database) {
    // Own table, created idempotently: the state DB's numbered migrations belong to the queue.
    db.run(`CREATE TABLE IF NOT EXISTS order_nonces (
      nonce TEXT PRIMARY KEY,
      order_id TEXT NOT NULL,
      envelope_hash TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      completion TEXT
    )`);
  }

  /** Look a nonce up for an order envelope identified by its hash. */
  lookup(nonce: string, orderId: string, envelopeHash: string): NonceState {
    const row = this.db
      .query<Row, [string]>(
        "SELECT order_id, envelope_hash, received_at, completion FROM order_nonces WHERE nonce = ?",
      )
      .get(nonce);
    if (!row) return { kind: "new" };
    if (row.order_id !== orderId || row.envelope_hash !== envelopeHash) {
      return { kind: "replayed", firstOrderId: row.order_id, receivedAt: row.received_at };
    }
    if (row.completion === null) return { kind: "interrupted", receivedAt: row.received_at };
    return { kind: "completed", completion: v.parse(OrderCompletion, JSON.parse(row.completion)) };
  }

  /** Claim a nonce before running its order; false if it was already claimed. */
  claim(nonce: string, orderId: string, envelopeHash: string, expiresAt: Date, now: Date): boolean {
    const r = this.db
      .query(
        `INSERT INTO order_nonces (nonce, order_id, envelope_hash, received_at, expires_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT(nonce) DO NOTHING`,
      )
      .run(nonce, orderId, envelopeHash, now.getTime(), expiresAt.getTime());
    return r.changes === 1;
  }

  /** Store the outcome of a claimed order, so a redelivery gets the same answer without a rerun. */
  finish(nonce: string, completion: OrderCompletion): void {
    this.db
      .query("UPDATE order_nonces SET completion = ? WHERE nonce = ?")
      .run(JSON.stringify(completion), nonce);
  }

  /** Forget nonces of orders that expired long ago; returns how many were dropped. */
  prune(now: Date): number {
    return this.db
      .query("DELETE FROM order_nonces WHERE expires_at < ?")
      .run(now.getTime() - RETAIN_AFTER_EXPIRY_MS).changes;
  }

  /** Number of remembered nonces. */
  count(): number {
    return this.db.query<{ n: number }, []>("SELECT count(*) AS n FROM order_nonces").get()?.n ?? 0;
  }
}
