import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import {
  Citation,
  Hex64,
  HostName,
  Id,
  JsonObject,
  KeyId,
  NonNegInt,
  PosInt,
  ShortText,
  SignatureHex,
  Slug,
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
    // The cloud's log stopped extending the checkpoint this appliance kept (agent/src/evidence/log-watch.ts).
    "cloud-log-broken",
    // The cloud's signing key rotated (accepted through a message signed by the key trusted until
    // then), or a rotation was refused (agent/src/trust/cloud-keys.ts).
    "cloud-key-rotated",
    "cloud-key-rotation-refused",
    // This appliance's identity key was replaced (`malachor provision rekey`); signed by the old key.
    "identity-rekeyed",
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

/** Kinds that record a change of state rather than a whole cycle (bundle v2, see protocol/state.ts). */
export const STATE_KINDS = ["state-snapshot", "state-delta"] as const;

/**
 * What a v2 bundle proves about the appliance's complete state (every latest finding per check and
 * host): its digest and size after this bundle's cycle, the keys that left it, and the earlier
 * cycles since the previous bundle that changed nothing (each one's time; their digest is the
 * state before this bundle, carried so every cycle is provable on its own).
 */
export const StateProof = v.strictObject({
  digest: Hex64,
  count: NonNegInt,
  removed: v.pipe(v.array(v.strictObject({ checkId: Slug, host: HostName })), v.maxLength(2_000)),
  quiet: v.optional(
    v.strictObject({
      digest: Hex64,
      at: v.pipe(v.array(Timestamp), v.minLength(1), v.maxLength(1_500)),
    }),
  ),
});
export type StateProof = v.InferOutput<typeof StateProof>;

// Version 2 adds the state kinds: a snapshot carries the whole state, a delta only the findings
// whose status, expected or actual value (or title, severity, citations) changed.
const bundleEntriesV2 = {
  ...bundleEntries,
  v: v.literal(2),
  kind: v.picklist(["check-cycle", "remediation", "event", ...STATE_KINDS]),
  state: v.optional(StateProof),
};

// A state kind without its proof (or another kind with one) could not be rebuilt or checked.
const proofMatchesKind = (b: { kind: string; state?: unknown }) =>
  (STATE_KINDS as readonly string[]).includes(b.kind) === (b.state !== undefined);
const PROOF_MESSAGE = "a state-snapshot or state-delta bundle carries `state`, and no other kind does";

/** A bundle before signing: everything the signature covers. */
export const UnsignedBundle = v.variant("v", [
  v.strictObject(bundleEntries),
  v.strictObject(bundleEntriesV2),
]);
export type UnsignedBundle = v.InferOutput<typeof UnsignedBundle>;

/**
 * A signed, chained evidence bundle as stored and exported (one JSON object per JSONL line). Version
 * 1 is every appliance's format before protocol version 3 and still accepted; version 2 adds the
 * state kinds. Both chain the same way.
 */
export const EvidenceBundle = v.variant("v", [
  v.strictObject({ ...bundleEntries, sig: SignatureHex }),
  v.pipe(
    v.strictObject({ ...bundleEntriesV2, sig: SignatureHex }),
    v.check((b) => proofMatchesKind(b), PROOF_MESSAGE),
  ),
]);
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
  /** The state proof of a state kind (required for those, absent otherwise). */
  state?: StateProof;
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
  const stateKind = (STATE_KINDS as readonly string[]).includes(content.kind);
  if (stateKind !== (content.state !== undefined)) {
    throw new Error(`bundle kind ${content.kind} ${stateKind ? "needs" : "takes no"} state proof`);
  }
  const common = {
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
  // Version 1 whenever it can say what is meant, so appliances' v1 chains look as they always did.
  const unsigned: UnsignedBundle = content.state
    ? { v: 2, ...common, state: content.state }
    : { v: 1, ...common, kind: common.kind as Exclude<UnsignedBundle["kind"], (typeof STATE_KINDS)[number]> };
  return { ...unsigned, sig: sign(canonicalBytes(unsigned), secretKeyHex) };
}
