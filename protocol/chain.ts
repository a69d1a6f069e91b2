import * as v from "valibot";
import { describeIssues } from "./common.ts";
import {
  bundleHash,
  bundleSigningBytes,
  EvidenceBundle,
  GENESIS_HASH,
  signingBytesFromCanonical,
} from "./evidence.ts";
import { sha256Hex } from "./hash.ts";
import { keyIdOf, verify } from "./sign.ts";

/** Kinds of chain break, in the words an auditor reads. */
export const BreakKind = v.picklist([
  "malformed",
  "bad-signature",
  "broken-link",
  "sequence-gap",
  "reordered",
  "duplicated",
  "fork",
]);
export type BreakKind = v.InferOutput<typeof BreakKind>;

/** The first break found: where (index in the input, 0-based), what kind, and a sentence saying why. */
export interface ChainBreak {
  ok: false;
  index: number;
  kind: BreakKind;
  applianceId?: string;
  seq?: number;
  message: string;
}

/** Per-appliance head after a successful verification. */
export interface ChainOk {
  ok: true;
  count: number;
  heads: Record<string, { seq: number; hash: string }>;
}

export type ChainResult = ChainOk | ChainBreak;

/**
 * Where an appliance's chain is expected to continue from when verifying a suffix of it; `note`
 * says why it starts there (a retention floor, protocol/retention-floor.ts), and a break at the
 * first bundle after it says so too.
 */
export type ChainStarts = Record<string, { seq: number; hash: string; note?: string }>;

export interface VerifyChainOptions {
  /** Verify a chain suffix: each appliance continues from this head instead of genesis. */
  starts?: ChainStarts;
  /** Signature check, replaceable so a caller can batch or parallelise it. */
  verifySignature?: (message: Uint8Array, sig: string, publicKeyHex: string) => boolean;
  /**
   * Which bundles' signatures to check (default: every one). A bundle this answers false for is
   * still checked for shape, key, sequence and link; the caller vouches for its signature otherwise.
   */
  checkSignatureOf?: (bundle: EvidenceBundle, index: number) => boolean;
  /**
   * The canonical JSON text of each item, when the caller already holds it (a stored chain): the
   * verifier then hashes those bytes and cuts the signature out of them instead of canonicalising
   * again. A text that is not its item's canonical form gives a hash and signed bytes of its own,
   * so the caller must know the texts are canonical (only a signer who signed those very bytes
   * could make such a text pass).
   */
  canonicalTexts?: readonly string[];
  /** Index of items[0] in the whole input, when it is verified page by page (results and messages use it). */
  indexOffset?: number;
  /**
   * What lies outside `items` when they are one page of a longer input, verified page by page from
   * `starts`: the hash of bundle applianceId#seq accepted on an earlier page, and whether a later
   * page holds an item at a position (see positionKey). With both answered truthfully, a page gives
   * exactly the verdict the whole input gives for its items; without them, it is judged alone.
   */
  outside?: {
    earlierHash(applianceId: string, seq: number): string | undefined;
    laterHas(position: string): boolean;
  };
}

/** The position an item claims ("applianceId#seq", whatever their types), or null for a non-object. */
export function positionKey(item: unknown): string | null {
  const o = item as { applianceId?: unknown; seq?: unknown } | null;
  return o && typeof o === "object" ? `${String(o.applianceId)}#${String(o.seq)}` : null;
}

function describe(b: { applianceId?: string; seq?: number }): string {
  return b.applianceId ? `bundle ${b.applianceId}#${b.seq}` : "bundle";
}

/**
 * Verify a sequence of evidence bundles (parsed JSON, possibly several appliances interleaved)
 * against trusted public keys (hex). Returns ok with each appliance's head, or the first break.
 * Pure: no I/O, no clock.
 */
export function verifyChain(
  items: readonly unknown[],
  publicKeys: readonly string[],
  opts: VerifyChainOptions = {},
): ChainResult {
  const check = opts.verifySignature ?? verify;
  const offset = opts.indexOffset ?? 0;
  const keys = new Map(publicKeys.map((k) => [keyIdOf(k), k.trim().toLowerCase()]));
  const heads = new Map<string, { seq: number; hash: string }>();
  // seq → hash of every bundle seen so far, per appliance, to tell duplicates from forks.
  const seen = new Map<string, Map<number, string>>();
  // every position present anywhere in the input, to tell reordering from a gap (built when needed).
  let present: Set<string> | undefined;
  const isPresent = (position: string) => {
    present ??= new Set(items.map(positionKey).filter((k) => k !== null));
    return present.has(position) || (opts.outside?.laterHas(position) ?? false);
  };

  for (let i = 0; i < items.length; i++) {
    const index = offset + i;
    const parsed = v.safeParse(EvidenceBundle, items[i]);
    if (!parsed.success) {
      const raw = items[i] as { applianceId?: string; seq?: number } | null;
      return {
        ok: false,
        index,
        kind: "malformed",
        message: `${describe(raw ?? {})} at index ${index} is malformed: ${describeIssues(parsed.issues)}`,
      };
    }
    const b = parsed.output;
    const where = { index, applianceId: b.applianceId, seq: b.seq };
    const name = `bundle ${b.applianceId}#${b.seq} (index ${index})`;
    const text = opts.canonicalTexts?.[i];
    const hash = text === undefined ? bundleHash(b) : sha256Hex(text);
    const bySeq = seen.get(b.applianceId) ?? new Map<number, string>();
    seen.set(b.applianceId, bySeq);
    // Own entries only: an appliance called "constructor" has no start in a plain object.
    const start =
      opts.starts && Object.hasOwn(opts.starts, b.applianceId) ? opts.starts[b.applianceId] : undefined;

    const earlier =
      bySeq.get(b.seq) ??
      (start && b.seq <= start.seq ? opts.outside?.earlierHash(b.applianceId, b.seq) : undefined);
    if (earlier !== undefined) {
      return earlier === hash
        ? { ok: false, ...where, kind: "duplicated", message: `${name} repeats an earlier bundle` }
        : {
            ok: false,
            ...where,
            kind: "fork",
            message: `${name} differs from an earlier bundle with the same sequence number`,
          };
    }

    const key = keys.get(b.keyId);
    if (!key) {
      return {
        ok: false,
        ...where,
        kind: "bad-signature",
        message: `${name} is signed by key ${b.keyId}, which is not a trusted key`,
      };
    }
    if (opts.checkSignatureOf?.(b, index) ?? true) {
      const signed = text === undefined ? bundleSigningBytes(b) : signingBytesFromCanonical(text, b.sig);
      if (!check(signed, b.sig, key)) {
        return {
          ok: false,
          ...where,
          kind: "bad-signature",
          message: `${name} has a signature that does not match its content`,
        };
      }
    }

    const head = heads.get(b.applianceId) ?? start ?? { seq: 0, hash: GENESIS_HASH };
    const expected = head.seq + 1;
    // At an appliance's first bundle here, a break is told against where its chain was to start.
    const why =
      !heads.has(b.applianceId) && start?.note ? ` (the chain starts at #${expected}: ${start.note})` : "";
    if (b.seq !== expected) {
      if (b.seq < expected || isPresent(`${b.applianceId}#${expected}`)) {
        return {
          ok: false,
          ...where,
          kind: "reordered",
          message: `${name} is out of order: expected sequence ${expected}${why}`,
        };
      }
      return {
        ok: false,
        ...where,
        kind: "sequence-gap",
        message: `${name} follows #${head.seq}: bundles ${expected}–${b.seq - 1} are missing${why}`,
      };
    }
    if (b.prevHash !== head.hash) {
      return {
        ok: false,
        ...where,
        kind: "broken-link",
        message: `${name} does not link to the bundle before it (prevHash mismatch)${why}`,
      };
    }
    bySeq.set(b.seq, hash);
    heads.set(b.applianceId, { seq: b.seq, hash });
  }
  return { ok: true, count: items.length, heads: Object.fromEntries(heads) };
}

/** Parse JSONL text into values, naming the first line that is not JSON. */
export function parseJsonl(
  text: string,
): { ok: true; items: unknown[] } | { ok: false; line: number; message: string } {
  const items: unknown[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    try {
      items.push(JSON.parse(line));
    } catch (e) {
      return { ok: false, line: i + 1, message: `line ${i + 1} is not valid JSON (${(e as Error).message})` };
    }
  }
  return { ok: true, items };
}
