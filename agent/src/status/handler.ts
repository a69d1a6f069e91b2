import { renderHtml } from "../../../lib/ui/render.ts";
import { StatusPage } from "./page.tsx";
import type { StatusSnapshot } from "./snapshot.ts";

/** Headers of the status page: no scripts at all, never cached, never framed. */
export const STATUS_PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Render the status page HTML for a snapshot at `now`. */
export function renderStatusPage(snapshot: StatusSnapshot, now: Date): Promise<string> {
  return renderHtml(StatusPage({ s: snapshot, now }));
}

/** The local API's `GET /` response: the status page for the daemon's current snapshot. */
export async function statusPageResponse(
  snapshot: StatusSnapshot,
  now: Date = new Date(),
): Promise<Response> {
  return new Response(await renderStatusPage(snapshot, now), { headers: STATUS_PAGE_HEADERS });
}
