/**
 * Queue streams and what may be shed when the disk bound is reached. shedRank 0 is never shed
 * (evidence: losing it would break the chain); higher ranks are shed first, oldest first.
 * Delivery order across streams follows this table's order.
 */
export const STREAMS = {
  evidence: { shedRank: 0 },
  incidents: { shedRank: 1 },
  "order-results": { shedRank: 1 },
  telemetry: { shedRank: 2 },
} as const satisfies Record<string, { shedRank: number }>;

export type StreamName = keyof typeof STREAMS;

/** Stream names in delivery priority order. */
export const STREAM_NAMES = Object.keys(STREAMS) as StreamName[];

/** True if `s` names a known stream. */
export function isStream(s: string): s is StreamName {
  return Object.hasOwn(STREAMS, s);
}
