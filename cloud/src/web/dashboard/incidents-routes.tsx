import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import { listIncidents } from "../../incidents/list.ts";
import { resolveSiteIncident } from "../../incidents/resolve.ts";
import { listSites } from "../../sites/list.ts";
import { hostNamesOfSites } from "../data/host-names.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { back, done, guard } from "./handler-kit.ts";
import { bySeverityThenAge, IncidentsPage } from "./incidents-page.tsx";
import { siteUrl } from "./shell.tsx";

/** Register the handlers of the incident queue and resolving an incident. */
export function registerIncidentsRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/incidents", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const open = (
      await Promise.all(
        sites.map((s) => listIncidents({ ctx, input: { siteId: s.id, status: "open", limit: 200 } })),
      )
    )
      .flat()
      .sort(bySeverityThenAge);
    const names = await hostNamesOfSites(deps.db, [...new Set(open.map((x) => x.siteId))]);
    const actor = c.get("actor");
    return c.html(
      <IncidentsPage
        web={c.get("web")}
        l3={open.filter((x) => x.incident.tier === "L3")}
        other={open.filter((x) => x.incident.tier !== "L3")}
        names={names}
        canResolve={actor.type === "admin" && actor.role !== "read-only"}
        now={deps.clock.now()}
        done={done(c)}
      />,
    );
  });

  web.post(
    "/dashboard/sites/:siteId/incidents/:applianceId/:incidentId/resolve",
    page("msp-tech"),
    async (c) => {
      const siteId = c.req.param("siteId");
      const form = c.get("web").form;
      const resolution = (form.resolution ?? "").trim();
      if (!resolution || resolution.length > 500) {
        throw new WebError(
          400,
          "Please check the form",
          "Say in a few words (at most 500 characters) what was done.",
        );
      }
      await resolveSiteIncident({
        ctx: webCtx(c, deps),
        input: {
          siteId,
          applianceId: c.req.param("applianceId"),
          incidentId: c.req.param("incidentId"),
          resolution,
        },
      });
      const to = form.back === "/dashboard/incidents" ? form.back : siteUrl(siteId);
      return back(c, to, "incident-resolved");
    },
  );
}
