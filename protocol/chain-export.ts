import { type ChainBreak, type ChainOk, verifyChain } from "./chain.ts";
import { type CompleteHead, checkCompleteness, isChainHeadLine } from "./chain-heads.ts";
import type { EvidenceBundle } from "./evidence.ts";
import { floorStarts, isRetentionFloorLine, type RetentionFloor, readFloors } from "./retention-floor.ts";

/**
 * The verdict on a whole chain export: the chain's (ok with heads, or its first break), each
 * appliance's retention floor it started from, and how far its signed heads prove it complete.
 */
export type ExportVerdict =
  | (ChainOk & { complete: CompleteHead[]; floors?: RetentionFloor[] })
  | ChainBreak
  | {
      ok: false;
      /** Bundles verified before the problem was found (all of them, for a head; none, for a floor). */
      index: number;
      kind: "bad-head" | "truncated" | "fork" | "bad-floor";
      applianceId?: string;
      message: string;
    };

/** An export's lines sorted out: retention floors (first), bundles, signed chain heads (last). */
export function splitExport(items: readonly unknown[]): {
  floors: unknown[];
  bundles: unknown[];
  heads: unknown[];
} {
  const out = { floors: [] as unknown[], bundles: [] as unknown[], heads: [] as unknown[] };
  for (const item of items) {
    (isRetentionFloorLine(item) ? out.floors : isChainHeadLine(item) ? out.heads : out.bundles).push(item);
  }
  return out;
}

/**
 * Verify a chain export (parsed JSONL lines) with trusted keys, as `malachor evidence verify` does:
 * each appliance with a retention floor from its floor, every other one from genesis; then the
 * signed heads. Pure. Bundle indexes count bundles only (floor and head lines are not bundles).
 */
export function verifyChainExport(items: readonly unknown[], publicKeys: readonly string[]): ExportVerdict {
  const { floors: floorLines, bundles, heads } = splitExport(items);
  const read = readFloors(floorLines);
  if (!read.ok) return { ok: false, index: 0, kind: "bad-floor", message: read.message };
  const starts = floorStarts(read.floors);
  const chain = verifyChain(bundles, publicKeys, { starts });
  if (!chain.ok) return chain;
  const completeness = checkCompleteness(bundles as EvidenceBundle[], heads, publicKeys, starts);
  if (!completeness.ok) return { ...completeness, index: bundles.length };
  return {
    ...chain,
    complete: completeness.complete,
    ...(read.floors.length > 0 ? { floors: read.floors } : {}),
  };
}
