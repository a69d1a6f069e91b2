import { canonicalize } from "./canonical.ts";
import type { EvidenceBundle } from "./evidence.ts";
import type { Finding } from "./finding.ts";
import { sha256Hex } from "./hash.ts";

/**
 * An appliance's complete state: the latest finding per (check, host), keyed by stateKey. State
 * bundles (v2) carry it whole (snapshot) or as the findings that changed (delta), each with the
 * digest of the state after it, so anyone holding the chain can rebuild it at any past moment.
 */
export type FindingState = Map<string, Finding>;

/** The key a finding occupies in the state. */
export function stateKey(f: { checkId: string; host: string }): string {
  return `${f.checkId}\u0000${f.host}`;
}

// What a change is: status, expected or actual value, and what the score reads (title, severity,
// citations). observedAt, duration and details move every cycle without changing the state.
function projection(f: Finding) {
  return {
    checkId: f.checkId,
    host: f.host,
    status: f.status,
    severity: f.severity,
    title: f.title,
    citations: f.citations,
    expected: f.expected ?? null,
    actual: f.actual ?? null,
  };
}

/** Whether two findings for the same key differ as state. */
export function stateChanged(a: Finding, b: Finding): boolean {
  // Field by field rather than hashing: the encoder asks this of every finding in every cycle.
  return (
    a.status !== b.status ||
    a.expected !== b.expected ||
    a.actual !== b.actual ||
    a.severity !== b.severity ||
    a.title !== b.title ||
    a.citations.length !== b.citations.length ||
    a.citations.some((c, i) => c !== b.citations[i])
  );
}

// Canonical text of each finding's projection, kept while the finding object lives: a state keeps
// most of its findings from one cycle to the next, so most digests reuse almost every text.
const projectionTexts = new WeakMap<Finding, string>();

function projectionText(f: Finding): string {
  let t = projectionTexts.get(f);
  if (t === undefined) {
    t = canonicalize(projection(f));
    projectionTexts.set(f, t);
  }
  return t;
}

/**
 * SHA-256 (hex) of the canonical JSON of the state's projections, sorted by check then host. A
 * canonical array is its items' canonical texts joined by commas in brackets, so the digest is
 * built from the per-finding texts without canonicalising the whole array again.
 */
export function stateDigest(state: Iterable<Finding>): string {
  const entries = [...state];
  entries.sort((a, b) => (a.checkId === b.checkId ? cmp(a.host, b.host) : cmp(a.checkId, b.checkId)));
  return sha256Hex(`[${entries.map(projectionText).join(",")}]`);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** State from a complete cycle's findings (a key seen twice keeps the later-observed finding). */
export function stateOf(findings: readonly Finding[]): FindingState {
  const state: FindingState = new Map();
  for (const f of findings) {
    const prev = state.get(stateKey(f));
    if (!prev || prev.observedAt <= f.observedAt) state.set(stateKey(f), f);
  }
  return state;
}

/** What changed between two states: findings new or different in `next`, and keys gone from it. */
export function diffState(
  prev: FindingState,
  next: FindingState,
): { changed: Finding[]; removed: { checkId: string; host: string }[] } {
  const changed: Finding[] = [];
  for (const [k, f] of next) {
    const before = prev.get(k);
    if (!before || stateChanged(before, f)) changed.push(f);
  }
  const removed = [...prev.entries()]
    .filter(([k]) => !next.has(k))
    .map(([, f]) => ({ checkId: f.checkId, host: f.host }));
  return { changed, removed };
}

/** A state bundle that does not agree with the state rebuilt before it. */
export class StateMismatch extends Error {}

/**
 * Apply one state bundle to the state rebuilt from the bundles before it (mutated in place) and
 * check its proofs: the quiet cycles' digest is the state before it, and the digest and count after
 * it are what the bundle says. A snapshot starts afresh. Non-state bundles leave the state alone.
 */
export function applyStateBundle(state: FindingState, b: EvidenceBundle, check = true): FindingState {
  if (b.v !== 2 || !b.state) return state;
  const where = `bundle ${b.applianceId}#${b.seq}`;
  if (b.kind === "state-snapshot") state.clear();
  else if (check && b.state.quiet && b.state.quiet.digest !== stateDigest(state.values())) {
    throw new StateMismatch(`${where}: its quiet cycles claim a state the chain before it does not hold`);
  }
  for (const r of b.state.removed) state.delete(stateKey(r));
  for (const f of b.findings) state.set(stateKey(f), f);
  if (check) checkProof(state, b);
  return state;
}

function checkProof(state: FindingState, b: EvidenceBundle): void {
  if (b.v !== 2 || !b.state) return;
  if (state.size !== b.state.count || stateDigest(state.values()) !== b.state.digest) {
    throw new StateMismatch(
      `bundle ${b.applianceId}#${b.seq}: the state rebuilt through it does not match its digest`,
    );
  }
}

/**
 * The state at `at` (ISO time) rebuilt from one appliance's chain in order: from the last snapshot
 * at or before `at`, every state bundle up to `at` applied, and the result checked against the
 * digest the last of them signed (verifyStateChain checks every intermediate one). Null when no
 * snapshot precedes `at` (the state is not known from this chain alone).
 */
export function rebuildStateAt(
  bundles: readonly EvidenceBundle[],
  at: string,
): { state: FindingState; seq: number; digest: string } | null {
  // Bundles are in chain order and createdAt never goes back by more than ingest's skew allowance,
  // so a binary search finds the last bundle at or before `at`.
  let lo = 0;
  let hi = bundles.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bundles[mid]!.createdAt <= at) lo = mid + 1;
    else hi = mid;
  }
  let start = lo - 1;
  while (start >= 0 && bundles[start]!.kind !== "state-snapshot") start--;
  if (start < 0) return null;
  const state: FindingState = new Map();
  let last = bundles[start]!;
  for (let i = start; i < lo; i++) {
    applyStateBundle(state, bundles[i]!, false);
    if (bundles[i]!.v === 2) last = bundles[i]!;
  }
  checkProof(state, last);
  return { state, seq: last.seq, digest: stateDigest(state.values()) };
}

/** Check every state bundle of one appliance's chain (in order) against the state rebuilt before it. */
export function verifyStateChain(
  bundles: readonly EvidenceBundle[],
): { ok: true } | { ok: false; message: string } {
  const state: FindingState = new Map();
  let started = false;
  for (const b of bundles) {
    if (b.kind === "state-snapshot") started = true;
    // A delta before any snapshot (a chain verified from a suffix) cannot be checked on its own.
    if (!started) continue;
    try {
      applyStateBundle(state, b);
    } catch (e) {
      if (e instanceof StateMismatch) return { ok: false, message: e.message };
      throw e;
    }
  }
  return { ok: true };
}
