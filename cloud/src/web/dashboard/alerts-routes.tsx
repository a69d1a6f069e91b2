import type { Hono } from "hono";
import { decideAlert, listAlerts } from "../../alerts/history.ts";
import type { CloudDeps } from "../../deps.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { AlertsPage } from "./alerts-page.tsx";
import { back, done, guard } from "./handler-kit.ts";

/** Register the handlers of the alert history: list, acknowledge, resolve. */
export function registerAlertsRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/alerts", page(), async (c) => {
    const { alerts } = await listAlerts({ ctx: webCtx(c, deps), input: { limit: 200 } });
    const actor = c.get("actor");
    return c.html(
      <AlertsPage
        web={c.get("web")}
        alerts={alerts}
        canDecide={actor.type === "admin" && actor.role !== "read-only"}
        done={done(c)}
        now={deps.clock.now()}
      />,
    );
  });

  for (const action of ["ack", "resolve"] as const) {
    web.post(`/dashboard/alerts/:alertId/${action}`, page("msp-tech"), async (c) => {
      await decideAlert({ ctx: webCtx(c, deps), input: { alertId: c.req.param("alertId"), action } });
      return back(c, "/dashboard/alerts", action === "ack" ? "alert-acknowledged" : "alert-resolved");
    });
  }
}
