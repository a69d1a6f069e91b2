import { verifyPredecessor } from "../../../protocol/handover.ts";
import type { ClaimRequest, EnrollRequest } from "../../../protocol/provision.ts";
import { verifyRequestSignature } from "../../../protocol/provision.ts";
import type { ServiceContext } from "../context.ts";
import { ApiError, unauthorized } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";

/** How far a signed enrolment request's `at` may be from the cloud's clock. */
export const REQUEST_WINDOW_MS = 10 * 60_000;

/**
 * 401 for a request whose `at` does not fit the cloud's clock. Marked retryable: an appliance
 * whose clock is being corrected (NTP at first boot) succeeds once it is.
 */
export const clockSkew = (message: string) => new ApiError(401, "clock_skew", message, { retryable: true });

/** An unauthenticated enrolment request as it arrived. */
export type EnrolRequest =
  | { kind: "enroll"; body: EnrollRequest }
  | { kind: "claim"; mac: string; body: ClaimRequest };

/**
 * What every unauthenticated enrolment request (claim or one-time code) passes before anything is
 * looked up: the per-address and global rate limits (so no client can sweep MAC addresses or
 * codes), a signature by the key it enrols, a fresh `at`, and a predecessor declaration signed by
 * the predecessor's key for this key.
 */
export async function admitEnrolRequest(
  ctx: ServiceContext,
  r: EnrolRequest,
  sourceAddress: string,
): Promise<void> {
  const limits = ctx.config.rateLimits;
  await enforce(
    ctx.db,
    ctx.clock,
    `enrol-from:${sourceAddress.slice(0, 100)}`,
    limits.provisioningPerAddress,
    `enrolment requests from ${sourceAddress}`,
  );
  await enforce(
    ctx.db,
    ctx.clock,
    "enrol-all",
    limits.provisioningGlobal,
    "enrolment requests (all callers)",
  );
  if (!verifyRequestSignature(r))
    throw unauthorized("the request is not signed by the identity key it enrols");
  const now = ctx.clock.now().getTime();
  if (Math.abs(Date.parse(r.body.at) - now) > REQUEST_WINDOW_MS) {
    throw clockSkew(
      `the request was signed at ${r.body.at}, more than ${REQUEST_WINDOW_MS / 60_000} minutes from the cloud's clock (${new Date(now).toISOString()}); set the appliance's clock`,
    );
  }
  const p = r.body.predecessor;
  if (p && !verifyPredecessor(p, r.body.publicKey)) {
    throw unauthorized(
      `the declaration of the chain of ${p.applianceId} is not signed by its key for this identity key`,
    );
  }
}
