import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceCall } from "../context.ts";
import { siteChainPages } from "./site-chain.ts";

/**
 * A site's chain as JSONL (one stored bundle per line, appliance by appliance in sequence order),
 * streamed; `malachor evidence verify` accepts it with the site's keys.
 */
export function exportSiteChain({ ctx, input }: ServiceCall<{ siteId: string }>): ReadableStream<Uint8Array> {
  assertRole(ctx.actor, "read-only");
  assertSiteAccess(ctx.actor, input.siteId);
  const pages = siteChainPages(ctx.db, input.siteId);
  const enc = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
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
