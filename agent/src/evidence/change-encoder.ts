import type { BundleContent } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { diffState, type FindingState, stateDigest, stateKey, stateOf } from "../../../protocol/state.ts";
import { chunkFindings } from "../daemon/chunk.ts";

/** When the change encoder writes a full snapshot and flushes quiet cycles. */
export interface ChangeEncoderOptions {
  /** A full snapshot at least this often (default one day). */
  snapshotEveryMs?: number;
  /** Quiet cycles are batched into one bundle at most this long (default one hour). */
  quietFlushMs?: number;
}

/** What the encoder remembers between cycles (plain data, so it can be persisted). */
export interface ChangeEncoderState {
  /**
   * The state as the chain records it: a finding stays the object its bundle carried until its
   * state changes (a later cycle's copy differs only in time and details), so the saved state
   * (encoder-store.ts) is rebuilt exactly from the chain, and what changed is what is not identical.
   */
  state: FindingState;
  lastSnapshotAt: string | null;
  /** Times of cycles since the last bundle that changed nothing, oldest first. */
  quiet: string[];
}

/** A fresh encoder: its first cycle writes a snapshot. */
export function newEncoderState(): ChangeEncoderState {
  return { state: new Map(), lastSnapshotAt: null, quiet: [] };
}

/**
 * Turn one complete check cycle into the state bundles to append (possibly none): a snapshot when
 * one is due or asked for, a delta as soon as anything changed (so a change is evidenced in the
 * cycle that saw it), and otherwise nothing until the quiet cycles span `quietFlushMs` or `flush`
 * is set (events to record) — then one small delta carrying their times and the unchanged digest.
 * Pure: the caller signs and stores the contents, then keeps the returned state (what the chain
 * holds after them; with no content, `prev.state` itself).
 */
export function encodeCycle(
  prev: ChangeEncoderState,
  findings: readonly Finding[],
  at: string,
  opts: ChangeEncoderOptions & { snapshot?: boolean; flush?: boolean } = {},
): { contents: BundleContent[]; next: ChangeEncoderState } {
  const snapshotEvery = opts.snapshotEveryMs ?? 86_400_000;
  const quietFlush = opts.quietFlushMs ?? 3_600_000;
  const current = stateOf(findings);
  const due =
    opts.snapshot === true ||
    prev.lastSnapshotAt === null ||
    Date.parse(at) - Date.parse(prev.lastSnapshotAt) >= snapshotEvery;
  const quietProof = () =>
    prev.quiet.length > 0 ? { digest: stateDigest(prev.state.values()), at: prev.quiet } : undefined;

  if (due) {
    const contents: BundleContent[] = [];
    // Quiet cycles before a snapshot are proven against the state they saw, in a bundle of their own.
    if (prev.quiet.length > 0) contents.push(quietBundle(prev.state, prev.quiet));
    const snapshot = stateBundles(new Map(), [...current.values()], [], at, "state-snapshot");
    contents.push(...snapshot.contents);
    return { contents, next: { state: snapshot.state, lastSnapshotAt: at, quiet: [] } };
  }
  const { changed, removed } = diffState(prev.state, current);
  if (changed.length > 0 || removed.length > 0) {
    const delta = stateBundles(prev.state, changed, removed, at, "state-delta");
    const quiet = quietProof();
    if (quiet) delta.contents[0]!.state!.quiet = quiet;
    return { contents: delta.contents, next: { ...prev, state: delta.state, quiet: [] } };
  }
  const first = prev.quiet[0];
  if (opts.flush === true || (first !== undefined && Date.parse(at) - Date.parse(first) >= quietFlush)) {
    return { contents: [quietBundle(prev.state, [...prev.quiet, at])], next: { ...prev, quiet: [] } };
  }
  return { contents: [], next: { ...prev, quiet: [...prev.quiet, at] } };
}

// A delta without findings for quiet cycles (oldest first): the last is the bundle's own time and
// digest, the earlier ones are listed with the same digest.
function quietBundle(state: FindingState, times: string[]): BundleContent {
  const digest = stateDigest(state.values());
  const earlier = times.slice(0, -1);
  return {
    kind: "state-delta",
    createdAt: times.at(-1)!,
    findings: [],
    state: {
      digest,
      count: state.size,
      removed: [],
      ...(earlier.length > 0 ? { quiet: { digest, at: earlier } } : {}),
    },
  };
}

// A snapshot or delta in bundle-sized parts; each part proves the state reached after it, so a
// large fleet's snapshot is a snapshot part followed by delta parts within the same cycle. Also
// returns the state after the last part.
function stateBundles(
  base: FindingState,
  findings: Finding[],
  removed: { checkId: string; host: string }[],
  at: string,
  kind: "state-snapshot" | "state-delta",
): { contents: BundleContent[]; state: FindingState } {
  const state: FindingState = new Map(base);
  for (const r of removed) state.delete(stateKey(r));
  const contents = chunkFindings(findings).map((part, i): BundleContent => {
    for (const f of part) state.set(stateKey(f), f);
    return {
      kind: i === 0 ? kind : "state-delta",
      createdAt: at,
      findings: part,
      state: { digest: stateDigest(state.values()), count: state.size, removed: i === 0 ? removed : [] },
    };
  });
  return { contents, state };
}
