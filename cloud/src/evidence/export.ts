import { canonicalize } from "../../../protocol/canonical.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { latestCoveredHeads } from "./chain-heads.ts";
import { siteRetentionFloors } from "./retention-floors.ts";
import { siteChainPages } from "./site-chain.ts";

/**
 * A site's chain as JSONL: each appliance's retention floor (where its chain starts once months past
 * the retention were dropped), then one stored bundle per line, appliance by appliance in sequence
 * order, streamed, then each appliance's latest signed chain head the bundles cover; `malachor
 * evidence verify` accepts it with the site's keys, starts each appliance at its floor, and reports
 * how far each chain is proven complete.
 */
export function exportSiteChain({ ctx, input }: ServiceCall<{ siteId: string }>): ReadableStream<Uint8Array> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const pages = siteChainPages(ctx, input.siteId);
  const enc = new TextEncoder();
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        // First, where each appliance's chain starts once months past the retention were dropped.
        const floors = await siteRetentionFloors(ctx.db, input.siteId);
        if (floors.length) controller.enqueue(enc.encode(floors.map((f) => `${canonicalize(f)}\n`).join("")));
      }
      const next = await pages.next();
      if (next.done) {
        // Last, the heads the appliances signed: they let a verifier tell a complete export from a cut one.
        const heads = await latestCoveredHeads(ctx.db, input.siteId);
        if (heads.length) controller.enqueue(enc.encode(heads.map((h) => `${canonicalize(h)}\n`).join("")));
        controller.close();
        return;
      }
      controller.enqueue(enc.encode(next.value.map((r) => `${r.body}\n`).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
