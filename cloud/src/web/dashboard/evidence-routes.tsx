import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import { getSite } from "../../sites/list.ts";
import { type WebEnv, webCtx } from "../env.ts";
import {
  evidencePageData,
  jsonlResponse,
  keysResponse,
  kitResponse,
  storedBundle,
} from "../portal/routes.tsx";
import { DashboardEvidence } from "./evidence-page.tsx";
import { guard } from "./handler-kit.ts";
import { siteUrl } from "./shell.tsx";

/** Register the handlers of a site's evidence page and its downloads. */
export function registerEvidenceRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/sites/:siteId/evidence", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    const data = await evidencePageData(c, deps, site.id, siteUrl(site.id, "/evidence"));
    return c.html(<DashboardEvidence web={c.get("web")} site={site} d={data} />);
  });

  web.get("/dashboard/sites/:siteId/evidence.jsonl", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return jsonlResponse(c, deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/kit.tar", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return kitResponse(c, deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/keys.txt", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    return keysResponse(deps, site.id);
  });

  web.get("/dashboard/sites/:siteId/evidence/bundle/:applianceId/:seq", page(), async (c) => {
    const site = await getSite({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId") } });
    const b = await storedBundle(deps, site.id, c.req.param("applianceId"), c.req.param("seq"));
    // Exactly the stored, verified bytes.
    return c.body(b.raw, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
