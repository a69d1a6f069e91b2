import * as v from "valibot";
import type { ChainStarts } from "./chain.ts";
import { describeIssues, Hex64, Id, NonNegInt, Timestamp } from "./common.ts";
import { bundleHash, type EvidenceBundle } from "./evidence.ts";
import { keyIdOf } from "./sign.ts";
import { Signed, type SignedEnvelope, signPayload, verifyEnvelope } from "./signed.ts";

/** Marks a chain-head statement (and a line of a chain export that carries one). */
export const CHAIN_HEAD_TYPE = "malachor-chain-head/v1";

/** What an appliance states at check-in: its chain reached `seq` with bundle hash `hash` at `at`. */
export const ChainHeadStatement = v.strictObject({
  type: v.literal(CHAIN_HEAD_TYPE),
  siteId: Id,
  applianceId: Id,
  seq: NonNegInt,
  hash: Hex64,
  at: Timestamp,
});
export type ChainHeadStatement = v.InferOutput<typeof ChainHeadStatement>;

/** The statement signed with the appliance's identity key (the key its bundles are signed with). */
export const SignedChainHead = Signed(ChainHeadStatement);
export type SignedChainHead = SignedEnvelope<ChainHeadStatement>;

/** Sign a chain head with the appliance's identity secret key (hex). */
export function signChainHead(head: Omit<ChainHeadStatement, "type">, secretKeyHex: string): SignedChainHead {
  return signPayload({ type: CHAIN_HEAD_TYPE, ...head }, secretKeyHex);
}

/** Whether a parsed export line is a signed chain head rather than a bundle. */
export function isChainHeadLine(item: unknown): boolean {
  const p = (item as { payload?: { type?: unknown } } | null)?.payload;
  return typeof p === "object" && p !== null && p.type === CHAIN_HEAD_TYPE;
}

/** Each appliance's completeness claim an export proves: its bundles up to `seq`, as it signed at `at`. */
export interface CompleteHead {
  applianceId: string;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
}

export type CompletenessResult =
  | { ok: true; complete: CompleteHead[] }
  | { ok: false; kind: "bad-head" | "truncated" | "fork"; applianceId?: string; message: string };

/**
 * Check the signed heads of an export against its (already verified) bundles: each head must be
 * well formed, signed by a trusted key, and covered by the bundles — the bundle at the head's
 * sequence exists and hashes to the signed hash. Fewer bundles than a head says is a truncated
 * export. With `starts` (retention floors), a head at an appliance's last dropped bundle must
 * carry the hash the floor names, and one below it proves nothing about the export. Returns, per
 * appliance, the latest head so proven.
 */
export function checkCompleteness(
  bundles: readonly EvidenceBundle[],
  heads: readonly unknown[],
  publicKeys: readonly string[],
  starts: ChainStarts = {},
): CompletenessResult {
  const keyById = new Map(publicKeys.map((k) => [keyIdOf(k), k]));
  const latest = new Map<string, CompleteHead>();
  for (const [i, raw] of heads.entries()) {
    const parsed = v.safeParse(SignedChainHead, raw);
    if (!parsed.success)
      return {
        ok: false,
        kind: "bad-head",
        message: `signed head ${i + 1}: ${describeIssues(parsed.issues)}`,
      };
    const env = parsed.output;
    const h = env.payload;
    const key = keyById.get(env.keyId);
    if (!key)
      return {
        ok: false,
        kind: "bad-head",
        applianceId: h.applianceId,
        message: `signed head of ${h.applianceId} #${h.seq} is signed by key ${env.keyId}, which is not among the trusted keys`,
      };
    const check = verifyEnvelope(env, key);
    if (!check.ok)
      return {
        ok: false,
        kind: "bad-head",
        applianceId: h.applianceId,
        message: `signed head of ${h.applianceId} #${h.seq}: ${check.reason}`,
      };
    const prev = latest.get(h.applianceId);
    if (!prev || h.seq > prev.seq)
      latest.set(h.applianceId, {
        applianceId: h.applianceId,
        seq: h.seq,
        hash: h.hash,
        at: h.at,
        keyId: env.keyId,
      });
  }
  const byAppliance = new Map<string, Map<number, EvidenceBundle>>();
  for (const b of bundles) {
    const m = byAppliance.get(b.applianceId) ?? new Map<number, EvidenceBundle>();
    byAppliance.set(b.applianceId, m);
    m.set(b.seq, b);
  }
  const complete: CompleteHead[] = [];
  for (const h of latest.values()) {
    const held = byAppliance.get(h.applianceId);
    const top = held ? Math.max(...held.keys()) : 0;
    const at = held?.get(h.seq);
    // Sequence 0 is the genesis: a head there claims no bundles, so nothing can be missing.
    if (h.seq === 0) continue;
    const start = Object.hasOwn(starts, h.applianceId) ? starts[h.applianceId] : undefined;
    if (start && h.seq <= start.seq) {
      // The head falls in bundles dropped past the retention: only the last dropped one's hash is known.
      if (h.seq < start.seq) continue;
      if (h.hash !== start.hash)
        return {
          ok: false,
          kind: "fork",
          applianceId: h.applianceId,
          message: `${h.applianceId} signed head #${h.seq} with hash ${h.hash.slice(0, 16)}… at ${h.at}, but the retention floor says the dropped bundle #${h.seq} hashed to ${start.hash.slice(0, 16)}…`,
        };
      complete.push(h);
      continue;
    }
    if (!at)
      return {
        ok: false,
        kind: "truncated",
        applianceId: h.applianceId,
        message: `truncated export: ${h.applianceId} signed its chain head at #${h.seq} (${h.at}) but the export holds its bundles only up to #${top}`,
      };
    const got = bundleHash(at);
    if (got !== h.hash)
      return {
        ok: false,
        kind: "fork",
        applianceId: h.applianceId,
        message: `${h.applianceId} signed head #${h.seq} with hash ${h.hash.slice(0, 16)}… at ${h.at}, but the export's bundle #${h.seq} hashes to ${got.slice(0, 16)}…`,
      };
    complete.push(h);
  }
  return { ok: true, complete: complete.sort((a, b) => a.applianceId.localeCompare(b.applianceId)) };
}
