import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import { outboxHealth } from "../evidence/outbox.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";

/**
 * GET /health: the database answers and evidence reaches the WORM store. 503 with `problems` when
 * the database fails, when the store keeps refusing objects (alerted outbox entries), or when the
 * oldest object waiting for the store is older than `config.outboxMaxAgeSec`. Counts only: no
 * object keys or site ids go to this unauthenticated caller.
 */
export function registerHealth(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/health",
      summary: "Database and evidence-storage health (503 when either fails)",
      auth: "none",
    },
    async ({ c }) => {
      const started = performance.now();
      try {
        await deps.db.execute(sql`SELECT 1`);
      } catch (e) {
        return c.json({ ok: false, db: deps.dbKind, error: (e as Error).message }, 503);
      }
      const dbMs = Math.round(performance.now() - started);
      const outbox = await outboxHealth(deps);
      const problems: string[] = [];
      if (outbox.alerted > 0) {
        problems.push(
          `${outbox.alerted} evidence object(s) the store keeps refusing (see the sites' evidence alerts)`,
        );
      }
      const maxAge = deps.config.outboxMaxAgeSec;
      if (outbox.oldestAgeSec > maxAge) {
        problems.push(
          `the oldest evidence object has waited ${outbox.oldestAgeSec} s for the store (limit ${maxAge} s)`,
        );
      }
      const ok = problems.length === 0;
      return c.json(
        { ok, db: deps.dbKind, store: deps.store.kind, dbMs, outbox, ...(ok ? {} : { problems }) },
        ok ? 200 : 503,
      );
    },
  );
}
