/**
 * Why provisioning stopped. `retryable` errors (cloud unreachable, no record for this MAC yet, a
 * 5xx) are worth trying again later; the others (a bad config, a refused enroll code) need a
 * person, so `provision auto --retry-sec` gives up on them at once.
 */
export class ProvisionError extends Error {
  override name = "ProvisionError";
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}
