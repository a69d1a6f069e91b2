import type { QueueItem, QueueStats } from "../queue/queue.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";
import { parseBind } from "./bind.ts";

/** The running daemon is not answering on its local API (not running, or another bind). */
export class DaemonUnavailable extends Error {
  override name = "DaemonUnavailable";
}

/** Base URL to reach a local API bound to `bind` from this machine (0.0.0.0 → loopback). */
export function localApiUrl(bind: string): string {
  const { hostname, port } = parseBind(bind);
  const host =
    hostname === "0.0.0.0"
      ? "127.0.0.1"
      : hostname === "::"
        ? "[::1]"
        : hostname.includes(":")
          ? `[${hostname}]`
          : hostname;
  return `http://${host}:${port}`;
}

async function call<T>(base: string, method: "GET" | "POST", path: string, timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new DaemonUnavailable(`no daemon answering at ${base}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(`daemon ${method} ${path} → ${res.status}: ${body.error ?? "error"}`);
  return body;
}

/** A client for the daemon's local API, used by the CLI (tailscale's LocalClient). */
export function localClient(bind: string, timeoutMs = 2_000) {
  const base = localApiUrl(bind);
  return {
    base,
    status: () => call<StatusSnapshot>(base, "GET", "/api/status", timeoutMs),
    queue: (stream: string | undefined, limit: number) =>
      call<{ stats: QueueStats; items: QueueItem[] }>(
        base,
        "GET",
        `/api/queue?limit=${limit}${stream ? `&stream=${encodeURIComponent(stream)}` : ""}`,
        timeoutMs,
      ),
    flush: (flushTimeoutMs = 120_000) =>
      call<{
        waiting: number;
        delivered: Record<string, number>;
        stoppedBy?: string;
        warnings: string[];
        cloud: boolean;
        stats: QueueStats;
      }>(base, "POST", "/api/queue/flush", flushTimeoutMs),
  };
}
