/** A request a loopback receiver got: headers and the exact body text. */
export interface Received {
  path: string;
  headers: Headers;
  body: string;
}

/** A loopback HTTP receiver standing in for Slack, Teams, PagerDuty or a customer's webhook. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Answer every following request with this status (and a short body). */
  answer(status: number): void;
  close(): Promise<void>;
}

/**
 * Start a receiver on 127.0.0.1 that records every request and answers each as the real service
 * does on success (`status` and `reply`, e.g. PagerDuty's 202 with a JSON status).
 */
export function startReceiver(opts: { status?: number; reply?: string } = {}): Receiver {
  const received: Received[] = [];
  let status = opts.status ?? 200;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      received.push({ path: new URL(req.url).pathname, headers: req.headers, body: await req.text() });
      return new Response(opts.reply ?? (status >= 300 ? "unavailable" : "ok"), { status });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    answer: (s) => {
      status = s;
    },
    close: () => server.stop(true),
  };
}
