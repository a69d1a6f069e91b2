import type { ChainBreak, ChainResult, ChainStarts } from "../../../protocol/chain.ts";
import { assertRole, assertSiteAccess } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { siteChainPages } from "./site-chain.ts";
import { siteKeyRows } from "./site-keys.ts";
import { verifyStoredChain } from "./verify-stored.ts";

/** Result of auditing a site's stored chain: ok with heads, or the first break. */
export type SiteVerification =
  | { siteId: string; ok: true; count: number; heads: ChainStarts }
  | { siteId: string; ok: false; count: number; break: Omit<ChainBreak, "ok"> & { index: number } };

/** Verifies a page of stored bundles (JSON texts) continuing from `starts`; see parallel-verify.ts. */
export type PageVerifier = (bodies: string[], keys: string[], starts: ChainStarts) => Promise<ChainResult>;

/** The verifier on the calling thread (one core). */
export const inlineVerifier: PageVerifier = async (bodies, keys, starts) =>
  verifyStoredChain(bodies, keys, starts);

/**
 * Re-verify every stored bundle of a site from genesis (signatures, links, sequence numbers) with
 * the keys its appliances registered, exactly as an auditor would with the export.
 */
export async function verifySiteChain({
  ctx,
  input,
  verifier = inlineVerifier,
}: {
  ctx: ServiceContext;
  input: { siteId: string };
  verifier?: PageVerifier;
}): Promise<SiteVerification> {
  assertRole(ctx.actor, "read-only");
  assertSiteAccess(ctx.actor, input.siteId);
  const keys = (await siteKeyRows(ctx.db, input.siteId)).map((k) => k.publicKey);
  let heads: ChainStarts = {};
  let count = 0;
  // The next page is read from the database while the current one is being verified.
  const pages = siteChainPages(ctx.db, input.siteId, 4000);
  let next = pages.next();
  for (;;) {
    const current = await next;
    if (current.done) break;
    const page = current.value;
    next = pages.next();
    const r = await verifier(
      page.map((row) => row.body),
      keys,
      heads,
    );
    if (!r.ok) {
      await next;
      const { ok: _ok, ...brk } = r;
      return {
        siteId: input.siteId,
        ok: false,
        count: count + r.index,
        break: { ...brk, index: count + r.index },
      };
    }
    heads = { ...heads, ...r.heads };
    count += page.length;
  }
  return { siteId: input.siteId, ok: true, count, heads };
}
