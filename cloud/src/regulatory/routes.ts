import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";
import { regulatoryFeed } from "./feed.ts";
import { RegulatoryFeedView } from "./schemas.ts";

const Limit = v.pipe(
  v.string(),
  v.regex(/^\d{1,3}$/, "must be a whole number"),
  v.transform(Number),
  v.minValue(1),
  v.maxValue(500),
);

/** GET /api/regulatory: Federal Register documents matching the HIPAA watch terms (any admin role). */
export function registerRegulatory(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/regulatory",
      summary: "Federal Register documents matching the HIPAA watch terms, newest first (?limit=1..500)",
      auth: { admin: "read-only" },
      query: v.object({ limit: v.optional(Limit) }),
      response: RegulatoryFeedView,
    },
    async ({ c, query }) => c.json(await regulatoryFeed(deps.db, query)),
  );
}
