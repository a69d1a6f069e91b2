/** Loopback webhook receiver for healing tests: records each request with its signature check. */
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../l3/webhook.ts";

export interface ReceivedHook {
  body: unknown;
  verified: boolean;
}

/** Start a receiver on 127.0.0.1; `status` is what it answers (default 204). */
export function startWebhookReceiver(secret: string, status = 204) {
  const received: ReceivedHook[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const text = await req.text();
      received.push({
        body: JSON.parse(text),
        verified: verifyWebhook(
          secret,
          { signature: req.headers.get(SIGNATURE_HEADER), timestamp: req.headers.get(TIMESTAMP_HEADER) },
          text,
          Math.floor(Date.now() / 1000),
        ),
      });
      return new Response(null, { status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, received, stop: () => server.stop(true) };
}
