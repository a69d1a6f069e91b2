import * as v from "valibot";
import type { ChainStarts } from "./chain.ts";
import { describeIssues, Hex64, Id, Timestamp } from "./common.ts";

/** Marks a retention floor (and a line of a chain export that carries one). */
export const RETENTION_FLOOR_TYPE = "malachor-retention-floor/v1";

/**
 * Where an appliance's chain starts once the cloud's owner dropped its oldest months past the
 * retention: bundles #1 to #seq − 1 are gone, and bundle #seq must link to `prevHash`, the hash the
 * cloud stored for the last dropped one. A chain export carries one per appliance (first, before
 * the bundles); the verifier starts that appliance there and says so. It is the cloud's statement,
 * not the appliance's: it can only lower what an export claims to prove (from #seq), never make a
 * bundle from #seq on verify that would not verify from genesis.
 */
export const RetentionFloor = v.strictObject({
  type: v.literal(RETENTION_FLOOR_TYPE),
  siteId: Id,
  applianceId: Id,
  /** The first retained sequence number. */
  seq: v.pipe(v.number(), v.integer(), v.minValue(2, "must be 2 or more (bundle #1 or later was dropped)")),
  /** Hash of the last dropped bundle (#seq − 1): what bundle #seq's prevHash must be. */
  prevHash: Hex64,
  /** The month (UTC) whose drop moved the floor here, as YYYY-MM. */
  month: v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM")),
  /** When that month was dropped. */
  droppedAt: Timestamp,
});
export type RetentionFloor = v.InferOutput<typeof RetentionFloor>;

/** Whether a parsed export line is a retention floor rather than a bundle. */
export function isRetentionFloorLine(item: unknown): boolean {
  const o = item as { type?: unknown } | null;
  return typeof o === "object" && o !== null && o.type === RETENTION_FLOOR_TYPE;
}

/** What a floor means, in the words every verdict uses: "bundles #1–#9 dropped past the retention on 2026-03-02". */
export function floorNote(f: Pick<RetentionFloor, "seq" | "droppedAt">): string {
  const dropped = f.seq === 2 ? "bundle #1" : `bundles #1–#${f.seq - 1}`;
  return `${dropped} dropped past the retention on ${f.droppedAt.slice(0, 10)}`;
}

/** "verified from #10 (bundles #1–#9 dropped past the retention on 2026-03-02)". */
export function verifiedFrom(f: Pick<RetentionFloor, "seq" | "droppedAt">): string {
  return `verified from #${f.seq} (${floorNote(f)})`;
}

/** Where each floored appliance's chain continues from: the last dropped bundle's number and hash. */
export function floorStarts(floors: readonly RetentionFloor[]): ChainStarts {
  const starts: ChainStarts = {};
  for (const f of floors) starts[f.applianceId] = { seq: f.seq - 1, hash: f.prevHash, note: floorNote(f) };
  return starts;
}

/** An export's floor lines, checked: each well formed, at most one per appliance; sorted by appliance. */
export function readFloors(
  lines: readonly unknown[],
): { ok: true; floors: RetentionFloor[] } | { ok: false; message: string } {
  const floors: RetentionFloor[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of lines.entries()) {
    const parsed = v.safeParse(RetentionFloor, raw);
    if (!parsed.success)
      return { ok: false, message: `retention floor ${i + 1}: ${describeIssues(parsed.issues)}` };
    const f = parsed.output;
    if (seen.has(f.applianceId))
      return { ok: false, message: `retention floor ${i + 1}: a second floor for ${f.applianceId}` };
    seen.add(f.applianceId);
    floors.push(f);
  }
  return { ok: true, floors: sortedFloors(floors) };
}

/** Floors in appliance-id order (code points, the same on every side). */
export function sortedFloors(floors: readonly RetentionFloor[]): RetentionFloor[] {
  return [...floors].sort((a, b) =>
    a.applianceId < b.applianceId ? -1 : a.applianceId > b.applianceId ? 1 : 0,
  );
}
