/** UTC day buckets for the per-day charts (pure). */

/** Midnight UTC `days - 1` days before `now`: the first day of a `days`-long window ending today. */
export function windowStart(now: Date, days: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
}

/** The `days` day keys (YYYY-MM-DD) of the window ending today, oldest first. */
export function dayKeys(now: Date, days: number): string[] {
  const start = windowStart(now, days).getTime();
  return Array.from({ length: days }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}
