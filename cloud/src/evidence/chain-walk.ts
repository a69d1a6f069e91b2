import { canonicalize } from "../../../protocol/canonical.ts";
import { type ChainResult, type ChainStarts, positionKey, verifyChain } from "../../../protocol/chain.ts";
import { sha256Hex } from "../../../protocol/hash.ts";
import type { VerifiedRange } from "./verified-records.ts";

/**
 * Which signatures a walk verifies: every one, or those no ingest record vouches for plus the last
 * bundle of each appliance in the walked texts (so each appliance's head is always verified).
 */
export type SignatureScope = { all: true } | { all: false; vouched: Record<string, VerifiedRange> };

/** One contiguous part of a site's export (stored texts in export order) to walk from `starts`. */
export interface WalkRequest {
  bodies: string[];
  keys: string[];
  starts: ChainStarts;
  /** Index of bodies[0] in the whole export. */
  indexOffset: number;
  /**
   * Continue each appliance from what its first bundle here claims (seq − 1 and prevHash) rather
   * than from `starts`, so parts of a page can be walked at once; the caller checks the claims
   * against where the parts before really ended.
   */
  claim?: boolean;
  scope: SignatureScope;
  /** Facts about the rest of the export, asked for by an earlier walk of the same part. */
  answers?: OutsideAnswers;
}

/** "applianceId#seq" → hash of the bundle accepted there before this part (null: none); position → present after it. */
export interface OutsideAnswers {
  earlier: Record<string, string | null>;
  later: Record<string, boolean>;
}

/** What a walk found, and what it did to find it. */
export interface WalkResult {
  result: ChainResult;
  /** With `claim`: where each appliance's first bundle here says its chain stood. */
  claimed: ChainStarts;
  /** Signatures verified (node:crypto). */
  checked: number;
  /** Signatures not verified because an ingest record vouches for them. */
  vouched: number;
  /** Appliances with a vouched-for signature skipped here. */
  skipped: string[];
  /** Per appliance, the hash of the accepted bundle at its record's throughSeq, when this part holds it. */
  reached: Record<string, string>;
  /** A bundle whose signature was verified had a stored text that is not its canonical form. */
  nonCanonical: boolean;
  /** Facts about the rest of the export this walk needed and did not have (only ever at its break). */
  questions: { earlier: string[]; later: string[] };
}

/** rec[key] when it is rec's own entry (an appliance may be called "constructor"). */
export function ownEntry<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** Items of the texts: parsed JSON, or null for a text that is not one line of JSON (with why). */
function parseBodies(bodies: readonly string[]): { items: unknown[]; notJson: Map<number, string> } {
  const notJson = new Map<number, string>();
  const items = bodies.map((body, i) => {
    // The export is JSONL: a stored text spanning lines is not one bundle to any reader of it.
    if (body.includes("\n")) {
      notJson.set(i, "it spans several lines");
      return null;
    }
    try {
      return JSON.parse(body) as unknown;
    } catch (e) {
      notJson.set(i, (e as Error).message);
      return null;
    }
  });
  return { items, notJson };
}

/** A walk of nothing: clean, nothing checked. */
export function emptyWalk(): WalkResult {
  return {
    result: { ok: true, count: 0, heads: {} },
    claimed: {},
    checked: 0,
    vouched: 0,
    skipped: [],
    reached: {},
    nonCanonical: false,
    questions: { earlier: [], later: [] },
  };
}

/** Where each appliance's first well-formed-looking item claims its chain stood before it. */
function claimedStarts(items: readonly unknown[]): ChainStarts {
  const claimed: ChainStarts = {};
  for (const it of items) {
    const o = it as { applianceId?: unknown; seq?: unknown; prevHash?: unknown } | null;
    if (typeof o?.applianceId !== "string" || Object.hasOwn(claimed, o.applianceId)) continue;
    if (typeof o.seq === "number" && typeof o.prevHash === "string") {
      claimed[o.applianceId] = { seq: o.seq - 1, hash: o.prevHash };
    }
  }
  return claimed;
}

/**
 * Walk one part of a stored chain with the protocol's verifyChain (the function `malachor evidence
 * verify` runs), so every break it reports has the kind, index and message the CLI gives for the
 * export. With `scope.all` each item is canonicalised and its signature verified, exactly as the
 * CLI does. Otherwise the stored texts are hashed as they are, and a signature is verified only for
 * bundles outside the range an ingest record vouches for, or last of their appliance here;
 * `reached`, `skipped` and `nonCanonical` tell the caller whether that trust held.
 */
export function walkChainPart(req: WalkRequest): WalkResult {
  const { bodies, scope } = req;
  const { items, notJson } = parseBodies(bodies);
  const out: WalkResult = { ...emptyWalk(), claimed: req.claim ? claimedStarts(items) : {} };
  const skipped = new Set<string>();
  const lastOf = new Map<string, number>();
  for (const [i, it] of items.entries()) {
    const app = (it as { applianceId?: unknown } | null)?.applianceId;
    if (typeof app === "string") lastOf.set(app, i);
  }
  const canonicalOf = (i: number): string | undefined => {
    try {
      return canonicalize(items[i]);
    } catch {
      return undefined; // not representable canonically: the stored text is all there is
    }
  };
  const texts = scope.all ? items.map((_, i) => canonicalOf(i) ?? bodies[i]!) : bodies;
  const answers = req.answers;

  out.result = verifyChain(items, req.keys, {
    starts: { ...req.starts, ...out.claimed },
    indexOffset: req.indexOffset,
    canonicalTexts: texts,
    checkSignatureOf: (b, index) => {
      const i = index - req.indexOffset;
      const range = scope.all ? undefined : ownEntry(scope.vouched, b.applianceId);
      if (range && b.seq === range.throughSeq) out.reached[b.applianceId] = sha256Hex(bodies[i]!);
      if (range && b.seq >= range.fromSeq && b.seq <= range.throughSeq && lastOf.get(b.applianceId) !== i) {
        out.vouched++;
        skipped.add(b.applianceId);
        return false;
      }
      if (!scope.all && canonicalOf(i) !== bodies[i]) out.nonCanonical = true;
      out.checked++;
      return true;
    },
    outside: {
      earlierHash: (app, seq) => {
        const at = `${app}#${seq}`;
        if (answers) return answers.earlier[at] ?? undefined;
        out.questions.earlier.push(at);
        return undefined;
      },
      laterHas: (position) => {
        if (answers) return answers.later[position] ?? false;
        out.questions.later.push(position);
        return false;
      },
    },
  });
  out.skipped = [...skipped];
  const r = out.result;
  if (!r.ok && notJson.has(r.index - req.indexOffset)) {
    r.message = `bundle at index ${r.index} is malformed: its stored text is not one line of JSON (${notJson.get(r.index - req.indexOffset)})`;
  }
  return out;
}

/** What to look for in other parts of the export to answer a walk's questions. */
export interface FindRequest {
  bodies: string[];
  /** "applianceId#seq" of bundles accepted in earlier parts, whose hash is wanted. */
  earlier: string[];
  /** Positions wanted among later parts. */
  later: string[];
}

/** Hashes found for `earlier` (the canonical hash, as the CLI computes it) and positions found for `later`. */
export function findInPart(req: FindRequest): { earlier: Record<string, string>; later: string[] } {
  const { items } = parseBodies(req.bodies);
  const wantEarlier = new Set(req.earlier);
  const wantLater = new Set(req.later);
  const earlier: Record<string, string> = {};
  const later: string[] = [];
  for (const it of items) {
    const at = positionKey(it);
    if (at === null) continue;
    if (wantLater.has(at)) later.push(at);
    // Earlier parts were accepted whole, so their items are well-formed bundles, canonicalisable.
    if (wantEarlier.has(at)) earlier[at] = sha256Hex(canonicalize(it));
  }
  return { earlier, later };
}
