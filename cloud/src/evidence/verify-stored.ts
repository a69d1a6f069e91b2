import { type ChainResult, type ChainStarts, verifyChain } from "../../../protocol/chain.ts";
import { verify } from "../../../protocol/sign.ts";
import { MIN_NATIVE_BATCH } from "./batch-verify.ts";
import { nativeBatchVerifier, type PendingBatch, type SigCheck, type StartBatch } from "./ed25519-batch.ts";

/** Signatures per native batch: each is handed over as soon as the walk has collected it. */
const SUB_BATCH = 500;

/**
 * Verify stored bundles (their canonical texts, in chain order) continuing from `starts`, with the
 * protocol's verifyChain. With the native batch verifier the walk checks structure, links and
 * sequence while handing the signatures, 500 at a time, to native threads that check them
 * meanwhile; the last bundle of each appliance in the run — the only ones no later bundle's hash
 * link covers — is also checked alone with node:crypto. Anything short of a clean pass is verified
 * again one signature at a time, so a break is always reported exactly as the sequential
 * verifier reports it.
 */
export function verifyStoredChain(
  bodies: readonly string[],
  keys: readonly string[],
  starts: ChainStarts,
  startBatch: StartBatch | null = nativeBatchVerifier(),
): ChainResult {
  const items = bodies.map((b) => JSON.parse(b) as unknown);
  if (startBatch && bodies.length >= MIN_NATIVE_BATCH) {
    const checks: SigCheck[] = [];
    const batches: PendingBatch[] = [];
    let handedOver = 0;
    const walked = verifyChain(items, keys, {
      starts,
      canonicalTexts: bodies,
      verifySignature: (message, sigHex, publicKeyHex) => {
        checks.push({ message, sigHex, publicKeyHex });
        if (checks.length - handedOver === SUB_BATCH) {
          batches.push(startBatch(checks.slice(handedOver)));
          handedOver = checks.length;
        }
        return true;
      },
    });
    if (checks.length > handedOver) batches.push(startBatch(checks.slice(handedOver)));
    // Every batch is finished (its thread joined) whatever the walk found.
    const signaturesOk = batches.map((b) => b.finish()).every(Boolean);
    // A clean walk called verifySignature once per item, in order: checks[i] belongs to items[i].
    if (walked.ok && signaturesOk && lastOfEachAppliance(items).every((i) => alone(checks[i]!)))
      return walked;
  }
  return verifyChain(items, keys, { starts, canonicalTexts: bodies });
}

const alone = (c: SigCheck) => verify(c.message, c.sigHex, c.publicKeyHex);

/** Index of each appliance's last bundle (items already passed verifyChain's shape check). */
function lastOfEachAppliance(items: readonly unknown[]): number[] {
  const last = new Map<string, number>();
  for (const [i, it] of items.entries()) last.set((it as { applianceId: string }).applianceId, i);
  return [...last.values()];
}
