import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import { param } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { route } from "../http/route.ts";
import { regulatoryFeed } from "./feed.ts";
import { RegulatoryFeedView } from "./schemas.ts";

const Limit = v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(500));

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
      response: RegulatoryFeedView,
    },
    async (c) => {
      const raw = c.req.query("limit");
      const limit = raw === undefined ? undefined : param(Limit, raw, "limit");
      return c.json(await regulatoryFeed(deps.db, { limit }));
    },
  );
}
