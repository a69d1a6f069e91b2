/**
 * Why a cloud request failed, as types the daemon can act on: retry later (unreachable, 429, 5xx),
 * fix credentials (401), or give up on this request (other 4xx, a response that breaks the contract).
 */
export class CloudError extends Error {
  override name = "CloudError";
  constructor(
    message: string,
    readonly kind: "unreachable" | "unauthorized" | "rate-limited" | "rejected" | "server" | "protocol",
    /** HTTP status, 0 when no response arrived. */
    readonly status = 0,
    /** How long the cloud asked us to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    /** The cloud's stable error code from its error envelope, if any. */
    readonly code?: string,
  ) {
    super(message);
  }

  /** True when sending the same request later can succeed. */
  get retryable(): boolean {
    return this.kind === "unreachable" || this.kind === "rate-limited" || this.kind === "server";
  }
}

/** Parse a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
