import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import {
  Citation,
  Hex64,
  Id,
  JsonObject,
  KeyId,
  NonNegInt,
  PosInt,
  ShortText,
  SignatureHex,
  Timestamp,
} from "./common.ts";
import { Finding } from "./finding.ts";
import { canonicalHash } from "./hash.ts";
import { RemediationReceipt } from "./receipt.ts";
import { keyIdOf, publicKeyOf, sign } from "./sign.ts";

/** prevHash of the first bundle of every appliance's chain. */
export const GENESIS_HASH = "0".repeat(64);

/** Something that happened, recorded beside findings and receipts (incident opened, order run, update…). */
export const EvidenceEvent = v.strictObject({
  type: v.picklist([
    "incident-opened",
    "incident-resolved",
    "order-executed",
    "order-refused",
    "agent-started",
    "agent-updated",
    "update-refused",
    "queue-near-bound",
    "config-changed",
    "key-escrowed",
    "attestation",
    // The last bundle of a chain handed over to a new identity, and the first of that identity's
    // chain (protocol/handover.ts): each names the other side.
    "chain-handed-over",
    "chain-taken-over",
  ]),
  at: Timestamp,
  summary: ShortText,
  details: JsonObject,
});
export type EvidenceEvent = v.InferOutput<typeof EvidenceEvent>;

export const BundleSummary = v.strictObject({
  pass: NonNegInt,
  fail: NonNegInt,
  warn: NonNegInt,
  error: NonNegInt,
  /** Present only when some host was unreachable (so bundles without any keep their v1 shape). */
  unreachable: v.optional(NonNegInt),
});
export type BundleSummary = v.InferOutput<typeof BundleSummary>;

const bundleEntries = {
  v: v.literal(1),
  siteId: Id,
  applianceId: Id,
  /** Per-appliance sequence number, starting at 1, without gaps. */
  seq: PosInt,
  /** bundleHash of the previous bundle of this appliance, or GENESIS_HASH for seq 1. */
  prevHash: Hex64,
  createdAt: Timestamp,
  kind: v.picklist(["check-cycle", "remediation", "event"]),
  findings: v.pipe(v.array(Finding), v.maxLength(2_000)),
  receipts: v.pipe(v.array(RemediationReceipt), v.maxLength(500)),
  events: v.pipe(v.array(EvidenceEvent), v.maxLength(500)),
  /** Union of the HIPAA citations this bundle's findings and receipts support. */
  citations: v.array(Citation),
  summary: BundleSummary,
  keyId: KeyId,
};

/** A bundle before signing: everything the signature covers. */
export const UnsignedBundle = v.strictObject(bundleEntries);
export type UnsignedBundle = v.InferOutput<typeof UnsignedBundle>;

/** A signed, chained evidence bundle as stored and exported (one JSON object per JSONL line). */
export const EvidenceBundle = v.strictObject({ ...bundleEntries, sig: SignatureHex });
export type EvidenceBundle = v.InferOutput<typeof EvidenceBundle>;

/** Hash that the next bundle's prevHash must carry: SHA-256 of the whole signed bundle, canonical form. */
export function bundleHash(bundle: EvidenceBundle): string {
  return canonicalHash(bundle);
}

/** The bytes a bundle's signature covers: canonical JSON of the bundle without `sig`. */
export function bundleSigningBytes(bundle: EvidenceBundle | UnsignedBundle): Uint8Array {
  const { sig: _sig, ...unsigned } = bundle as EvidenceBundle;
  return canonicalBytes(unsigned);
}

/**
 * The signed text of a bundle from its canonical text, without canonicalising again: canonical
 * keys are sorted, so the top-level `"sig"` member is the last `,"sig":"…"` in the text (nested
 * members come before it); cutting it out equals `bundleSigningBytes` as text. Given text that is
 * not the canonical form, the result is not what was signed, so verification fails unless the
 * signer signed those very bytes.
 */
export function signingTextFromCanonical(canonicalText: string, sig: string): string {
  const member = `,"sig":"${sig}"`;
  const at = canonicalText.lastIndexOf(member);
  return at < 0 ? canonicalText : canonicalText.slice(0, at) + canonicalText.slice(at + member.length);
}

/** signingTextFromCanonical as UTF-8 bytes (what the signature covers). */
export function signingBytesFromCanonical(canonicalText: string, sig: string): Uint8Array {
  return new TextEncoder().encode(signingTextFromCanonical(canonicalText, sig));
}

/** What a caller supplies to build the next bundle of a chain. */
export interface BundleContent {
  kind: UnsignedBundle["kind"];
  findings?: UnsignedBundle["findings"];
  receipts?: UnsignedBundle["receipts"];
  events?: UnsignedBundle["events"];
  /** Citations beyond those of the findings (e.g. of the runbooks behind receipts). */
  citations?: string[];
  createdAt: string;
}

/** Chain position a new bundle extends. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Build and sign the bundle that follows `head` (seq 0 / GENESIS_HASH for an empty chain). */
export function buildBundle(
  ids: { siteId: string; applianceId: string },
  head: ChainHead,
  content: BundleContent,
  secretKeyHex: string,
): EvidenceBundle {
  const findings = content.findings ?? [];
  const receipts = content.receipts ?? [];
  const summary: BundleSummary = { pass: 0, fail: 0, warn: 0, error: 0 };
  const citations = new Set<string>(content.citations);
  for (const f of findings) {
    summary[f.status] = (summary[f.status] ?? 0) + 1;
    for (const c of f.citations) citations.add(c);
  }
  const unsigned: UnsignedBundle = {
    v: 1,
    siteId: ids.siteId,
    applianceId: ids.applianceId,
    seq: head.seq + 1,
    prevHash: head.seq === 0 ? GENESIS_HASH : head.hash,
    createdAt: content.createdAt,
    kind: content.kind,
    findings,
    receipts,
    events: content.events ?? [],
    citations: [...citations].sort(),
    summary,
    keyId: keyIdOf(publicKeyOf(secretKeyHex)),
  };
  return { ...unsigned, sig: sign(canonicalBytes(unsigned), secretKeyHex) };
}
