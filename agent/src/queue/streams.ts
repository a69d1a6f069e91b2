/**
 * Queue streams and what may be shed when the disk bound is reached. shedRank 0 is never shed
 * (evidence: losing it would break the chain; escrow: a BitLocker recovery key exists nowhere
 * else once the host rotated its protector; plan outcomes: the cloud's learning loop counts
 * them); higher ranks are shed first, oldest first. `secret` streams carry material no reader of
 * the queue may see (`Queue.peek` withholds their payloads). Delivery order across streams
 * follows this table's order.
 */
export const STREAMS = {
  evidence: { shedRank: 0, secret: false },
  escrow: { shedRank: 0, secret: true },
  "plan-outcomes": { shedRank: 0, secret: false },
  incidents: { shedRank: 1, secret: false },
  "order-results": { shedRank: 1, secret: false },
  telemetry: { shedRank: 2, secret: false },
} as const satisfies Record<string, { shedRank: number; secret: boolean }>;

export type StreamName = keyof typeof STREAMS;

/** Stream names in delivery priority order. */
export const STREAM_NAMES = Object.keys(STREAMS) as StreamName[];

/** True if `s` names a known stream. */
export function isStream(s: string): s is StreamName {
  return Object.hasOwn(STREAMS, s);
}
