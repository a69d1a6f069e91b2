import { createHmac } from "node:crypto";
import type { Clock } from "../../clock.ts";
import { type AlertChannel, postJson } from "../channel.ts";

/** Header carrying `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` under the shared secret. */
export const SIGNATURE_HEADER = "x-malachor-signature";
/** Header carrying the Unix time the signature covers (receivers refuse old ones: replay). */
export const TIMESTAMP_HEADER = "x-malachor-timestamp";

/** The signature a receiver recomputes over the timestamp and the exact body bytes. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** A signed JSON webhook: `{event, alert}`, HMAC-SHA256 over timestamp and body in a header. */
export function webhookChannel(url: string, secret: string, clock: Clock): AlertChannel {
  return {
    name: "webhook",
    send: (a, event) => {
      const body = JSON.stringify({ event, alert: a });
      const ts = String(Math.floor(clock.now().getTime() / 1000));
      return postJson("webhook", url, body, {
        [TIMESTAMP_HEADER]: ts,
        [SIGNATURE_HEADER]: webhookSignature(secret, ts, body),
      });
    },
  };
}
