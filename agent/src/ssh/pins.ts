/**
 * Host-key pinning: the first key a host presents is pinned (trust on first use) unless the
 * config names one; any other key later is refused. Decisions are a pure function; the pins live
 * in the state database's `ssh_host_key` table.
 */
import type { Database } from "bun:sqlite";
import type { HostKeySeen, HostKeyVerdict } from "./connection.ts";

/** A pinned key. */
export interface Pin {
  fingerprint: string;
  keyType: string;
  /** ISO time it was pinned. */
  pinnedAt: string;
}

/** Where pins are kept, by `host:port`. */
export interface PinStore {
  get(target: string): Pin | undefined;
  set(target: string, pin: Pin): void;
}

/** What the verifier concluded, for the `ssh.host-key` finding. */
export type PinOutcome =
  | { kind: "configured"; seen: HostKeySeen }
  | { kind: "matched"; seen: HostKeySeen; pin: Pin }
  | { kind: "pinned-now"; seen: HostKeySeen; pin: Pin }
  | { kind: "changed"; seen: HostKeySeen; expected: string; since?: string };

/** Decide about a presented key (pure). */
export function decideHostKey(
  seen: HostKeySeen,
  configured: string | undefined,
  pinned: Pin | undefined,
  now: Date,
): PinOutcome {
  if (configured !== undefined)
    return configured === seen.fingerprint
      ? { kind: "configured", seen }
      : { kind: "changed", seen, expected: configured };
  if (pinned === undefined)
    return {
      kind: "pinned-now",
      seen,
      pin: { fingerprint: seen.fingerprint, keyType: seen.keyType, pinnedAt: now.toISOString() },
    };
  return pinned.fingerprint === seen.fingerprint
    ? { kind: "matched", seen, pin: pinned }
    : { kind: "changed", seen, expected: pinned.fingerprint, since: pinned.pinnedAt };
}

/** The verifier's answer for an outcome. */
export function verdictOf(o: PinOutcome): HostKeyVerdict {
  if (o.kind !== "changed") return { accept: true };
  return {
    accept: false,
    reason: `host key changed: expected ${o.expected}${o.since ? ` (pinned ${o.since})` : " (configured)"}, presented ${o.seen.fingerprint}; refusing to connect — if the host was reinstalled, confirm and set host_key`,
  };
}

/** Pins in the state database (agent/src/queue/db.ts). */
export function sqlitePins(db: Database): PinStore {
  const get = db.query<{ fingerprint: string; key_type: string; pinned_at: string }, [string]>(
    "SELECT fingerprint, key_type, pinned_at FROM ssh_host_key WHERE target = ?",
  );
  const put = db.query(
    `INSERT INTO ssh_host_key (target, fingerprint, key_type, pinned_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(target) DO UPDATE SET fingerprint = excluded.fingerprint, key_type = excluded.key_type, pinned_at = excluded.pinned_at`,
  );
  return {
    get(target) {
      const r = get.get(target.toLowerCase());
      return r ? { fingerprint: r.fingerprint, keyType: r.key_type, pinnedAt: r.pinned_at } : undefined;
    },
    set(target, pin) {
      put.run(target.toLowerCase(), pin.fingerprint, pin.keyType, pin.pinnedAt);
    },
  };
}

/** Pins kept in memory (a one-off `malachor check` without a state database). */
export function memoryPins(): PinStore {
  const m = new Map<string, Pin>();
  return { get: (t) => m.get(t.toLowerCase()), set: (t, p) => void m.set(t.toLowerCase(), p) };
}
