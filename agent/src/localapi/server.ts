import type { Server } from "bun";
import type { DrainResult } from "../cloud-client/uploader.ts";
import type { Logger } from "../log/logger.ts";
import type { Queue } from "../queue/queue.ts";
import { isStream } from "../queue/streams.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";
import { parseBind } from "./bind.ts";

/** What the local API asks of the running daemon. */
export interface LocalApiBackend {
  snapshot(): StatusSnapshot;
  drain(): Promise<DrainResult | undefined>;
  nudge(): void;
  /** Make the next cycle a full state snapshot (with [checks] evidence = "changes"). */
  askSnapshot(): void;
  queue: Queue;
}

interface Route {
  method: "GET" | "POST";
  path: string;
  /** Writes are accepted from loopback only: the LAN sees a read-only status page. */
  write: boolean;
  handle(req: Request, b: LocalApiBackend): Response | Promise<Response>;
}

const clampInt = (s: string | null, dflt: number, max: number) => {
  const n = Number(s ?? dflt);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : dflt;
};

/** Every local endpoint in one table (tailscale's localapi shape). */
export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/",
    write: false,
    // The page renderer (JSX) loads on first view only: it would cost the idle daemon memory.
    handle: async (_r, b) => (await import("../status/handler.ts")).statusPageResponse(b.snapshot()),
  },
  { method: "GET", path: "/api/status", write: false, handle: (_r, b) => Response.json(b.snapshot()) },
  {
    method: "GET",
    path: "/api/queue",
    write: false,
    handle(req, b) {
      const url = new URL(req.url);
      const stream = url.searchParams.get("stream") ?? undefined;
      if (stream !== undefined && !isStream(stream))
        return Response.json({ error: `unknown stream "${stream}"` }, { status: 400 });
      const items = b.queue.peek(stream, clampInt(url.searchParams.get("limit"), 10, 1_000));
      return Response.json({ stats: b.queue.stats(), items });
    },
  },
  {
    method: "POST",
    path: "/api/queue/flush",
    write: true,
    async handle(_r, b) {
      const waiting = b.queue.resetBackoff();
      const result = await b.drain();
      return Response.json({
        waiting,
        delivered: result?.delivered ?? {},
        stoppedBy: result ? result.stoppedBy?.message : "no cloud API key yet: the agent is running offline",
        warnings: result?.warnings ?? [],
        cloud: result !== undefined,
        stats: b.queue.stats(),
      });
    },
  },
  {
    method: "POST",
    path: "/api/cycle",
    write: true,
    handle(req, b) {
      // ?snapshot=1: the cycle records the complete state, whatever changed (an auditor's request).
      if (new URL(req.url).searchParams.get("snapshot") === "1") b.askSnapshot();
      b.nudge();
      return Response.json({ ok: true }, { status: 202 });
    },
  },
];

/** True for a peer address on this machine (write endpoints answer only those). */
export const isLoopback = (ip: string | undefined) =>
  !!ip && (ip === "::1" || ip.startsWith("127.") || ip.startsWith("::ffff:127."));

/** Serve the local API on `bind`; returns the server (its `url` reflects the real port). */
export function startLocalApi(bind: string, backend: LocalApiBackend, log: Logger): Server<undefined> {
  const { hostname, port } = parseBind(bind);
  const server: Server<undefined> = Bun.serve({
    hostname,
    port,
    async fetch(req, srv) {
      const path = new URL(req.url).pathname;
      const route = ROUTES.find((r) => r.path === path && r.method === req.method);
      if (!route) {
        const known = ROUTES.some((r) => r.path === path);
        return Response.json(
          { error: known ? "method not allowed" : "not found" },
          { status: known ? 405 : 404 },
        );
      }
      // Bound to a LAN address, the CLI on this box connects from that same address.
      const peer = srv.requestIP(req)?.address;
      if (route.write && !isLoopback(peer) && peer !== hostname) {
        return Response.json(
          { error: "this endpoint only answers on the appliance itself" },
          { status: 403 },
        );
      }
      try {
        return await route.handle(req, backend);
      } catch (e) {
        log.error("local API error", { path, error: e });
        return Response.json({ error: (e as Error).message }, { status: 500 });
      }
    },
  });
  return server;
}
