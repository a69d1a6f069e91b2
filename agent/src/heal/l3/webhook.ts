import { createHmac, timingSafeEqual } from "node:crypto";
import type { Delivery, IncidentEvent, Notifier } from "./event.ts";

/** Header carrying `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const SIGNATURE_HEADER = "x-malachor-signature";
/** Header carrying the Unix time (seconds) the signature was made; receivers refuse stale ones. */
export const TIMESTAMP_HEADER = "x-malachor-timestamp";

/** The signature header value for a body sent at `timestamp` (seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Check a received webhook (for receivers and tests): the signature must match and the timestamp
 * be within `toleranceSec` of `nowSec`, so a captured request cannot be replayed later.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec) return false;
  const want = Buffer.from(webhookSignature(secret, ts, body));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A webhook receiver: URL and shared secret. */
export interface WebhookTarget {
  url: string;
  secret: string;
  timeoutMs?: number;
}

/** Notifier that POSTs the event as JSON, signed with HMAC-SHA256 in a header. */
export function webhookNotifier(t: WebhookTarget, now: () => number = Date.now): Notifier {
  const channel = `webhook ${new URL(t.url).host}`;
  return {
    channel,
    async send(e: IncidentEvent): Promise<Delivery> {
      const body = JSON.stringify(e);
      const ts = Math.floor(now() / 1000);
      try {
        const res = await fetch(t.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: webhookSignature(t.secret, ts, body),
          },
          body,
          signal: AbortSignal.timeout(t.timeoutMs ?? 10_000),
        });
        await res.body?.cancel();
        return res.ok
          ? { channel, ok: true }
          : { channel, ok: false, error: `HTTP ${res.status} from ${t.url}` };
      } catch (err) {
        return { channel, ok: false, error: `${t.url}: ${(err as Error).message}` };
      }
    },
  };
}
