import type { Child } from "hono/jsx";

/** Render a Hono JSX element to an HTML string (outside a Hono context, e.g. the agent's page). */
export async function renderHtml(el: Child): Promise<string> {
  return String(await (el as { toString(): string | Promise<string> }).toString());
}
