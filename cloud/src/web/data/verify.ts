import type { ServiceContext } from "../../context.ts";
import { type SiteVerification, verifySiteChain } from "../../evidence/verify-site.ts";
import { enforce } from "../../ratelimit/limiter.ts";

/** Re-verifying reads the whole chain, so a person may ask for it a few times an hour per site. */
export const VERIFY_POLICY = { limit: 20, windowSec: 3600 };

/** Re-verify a site's stored chain from genesis with the cloud's verifier, rate-limited per site. */
export async function verifyForPage(ctx: ServiceContext, siteId: string): Promise<SiteVerification> {
  await enforce(ctx.db, ctx.clock, `web-verify:${siteId}`, VERIFY_POLICY, "chain verifications");
  return verifySiteChain({ ctx, input: { siteId } });
}
