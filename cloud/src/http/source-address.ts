import type { Context } from "hono";

/** What Bun.serve passes as the second argument of `fetch`, as far as the app needs it. */
interface PeerAware {
  requestIP?: (req: Request) => { address: string } | null;
}

/**
 * The network address a request came from: the socket peer as Bun.serve reports it (the app's
 * `env`), or "unknown" when the app is called without a server (tests calling `app.fetch`).
 * Behind a load balancer this is the balancer's address, so per-address limits there act per
 * balancer: keep them generous enough, or terminate at the cloud.
 */
export function sourceAddress(c: Context): string {
  const env = c.env as PeerAware | undefined;
  try {
    return env?.requestIP?.(c.req.raw)?.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
