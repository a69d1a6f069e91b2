import type { ServiceContext } from "../../context.ts";
import { auditSiteChain, type SignatureMode, type SiteAudit } from "../../evidence/chain-audit.ts";
import { enforce } from "../../ratelimit/limiter.ts";

/** Re-verifying reads the whole chain, so a person may ask for it a few times an hour per site. */
export const VERIFY_POLICY = { limit: 20, windowSec: 3600 };

/** The cloud's chain audit of a site (the one the API and MCP give), rate-limited per site. */
export async function verifyForPage(
  ctx: ServiceContext,
  siteId: string,
  signatures: SignatureMode,
): Promise<SiteAudit> {
  await enforce(ctx.db, ctx.clock, `web-verify:${siteId}`, VERIFY_POLICY, "chain verifications");
  return auditSiteChain({ ctx, input: { siteId, signatures } });
}
