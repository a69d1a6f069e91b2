import type { CloudDeps } from "../deps.ts";
import { consume, rateLimited } from "../ratelimit/limiter.ts";

/** How much of a presented secret names "which secret was aimed at" (e.g. `mla_` and 8 characters). */
const PREFIX_CHARS = 12;

/**
 * Count a failed sign-in (a wrong admin token, an unknown sign-in link) against the client's
 * address and against the presented secret's prefix; throws 429 once either is past the login
 * policy. Call it only after the secret was checked and found wrong: a right secret is never
 * counted or refused, so hammering from a shared address (everyone behind one reverse proxy)
 * cannot lock anyone out, while wrong guesses are bounded per address and per aimed-at prefix.
 * (Secrets are 256-bit random values; the limits bound noise and work, not guessing odds.)
 */
export async function countFailedSignIn(
  deps: CloudDeps,
  kind: string,
  attempt: { address: string; secret: string },
): Promise<void> {
  const policy = deps.config.rateLimits.login;
  const prefix = attempt.secret.slice(0, PREFIX_CHARS);
  const [byAddress, byPrefix] = await Promise.all([
    consume(deps.db, deps.clock, `${kind}:addr:${attempt.address}`, policy),
    consume(deps.db, deps.clock, `${kind}:prefix:${prefix}`, policy),
  ]);
  const refused = [byAddress, byPrefix].find((d) => !d.ok);
  if (refused) throw rateLimited("failed sign-ins", policy, refused.retryAfterSec);
}
