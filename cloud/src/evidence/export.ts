import { canonicalize } from "../../../protocol/canonical.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { latestCoveredHeads } from "./chain-heads.ts";
import { siteChainPages } from "./site-chain.ts";

/**
 * A site's chain as JSONL (one stored bundle per line, appliance by appliance in sequence order),
 * streamed, then each appliance's latest signed chain head the bundles cover; `malachor evidence
 * verify` accepts it with the site's keys and reports how far each chain is proven complete.
 */
export function exportSiteChain({ ctx, input }: ServiceCall<{ siteId: string }>): ReadableStream<Uint8Array> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const pages = siteChainPages(ctx, input.siteId);
  const enc = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
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
