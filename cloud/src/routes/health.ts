import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import { outboxDepth } from "../evidence/outbox.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";

/** GET /health: the process answers and the database answers. */
export function registerHealth(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    { method: "get", path: "/health", summary: "Liveness and database check", auth: "none" },
    async ({ c }) => {
      const started = performance.now();
      try {
        await deps.db.execute(sql`SELECT 1`);
      } catch (e) {
        return c.json({ ok: false, db: deps.dbKind, error: (e as Error).message }, 503);
      }
      const dbMs = Math.round(performance.now() - started);
      // Objects verified but not yet in the WORM store: a growing number means the store is failing.
      return c.json({
        ok: true,
        db: deps.dbKind,
        store: deps.store.kind,
        dbMs,
        outboxDepth: await outboxDepth(deps),
      });
    },
  );
}
