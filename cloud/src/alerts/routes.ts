import type { Hono } from "hono";
import * as v from "valibot";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route } from "../http/route.ts";
import { AlertList, decideAlert, listAlerts } from "./history.ts";

const Decided = v.strictObject({
  id: v.string(),
  acknowledgedAt: v.nullable(v.string()),
  resolvedAt: v.nullable(v.string()),
});

/** The alert history (GET /api/alerts) and a person's acknowledgement or resolution. */
export function registerAlerts(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/alerts",
      summary: "Alerts the cloud raised, newest first (a scoped token sees its site's)",
      auth: { admin: "read-only" },
      query: v.object({
        open: v.optional(v.picklist(["yes"])),
        before: v.optional(v.pipe(v.string(), v.isoTimestamp())),
        limit: v.optional(
          v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(500)),
        ),
      }),
      response: AlertList,
    },
    async ({ c, ctx, query }) =>
      c.json(
        await listAlerts({
          ctx,
          input: {
            open: query.open === "yes",
            before: query.before ? new Date(query.before) : undefined,
            limit: query.limit,
          },
        }),
      ),
  );
  for (const action of ["ack", "resolve"] as const) {
    route(
      app,
      deps,
      {
        method: "post",
        path: `/api/alerts/:alertId/${action}`,
        summary: action === "ack" ? "Acknowledge an alert (stops escalation)" : "Resolve an alert",
        auth: { admin: "msp-tech" },
        params: idParams("alertId"),
        body: v.strictObject({}),
        response: Decided,
      },
      async ({ c, ctx, params }) =>
        c.json(await decideAlert({ ctx, input: { alertId: params.alertId, action } })),
    );
  }
}
