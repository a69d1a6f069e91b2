import type { Hono } from "hono";
import * as v from "valibot";
import type { CloudDeps } from "../../deps.ts";
import { siteProgram } from "../../program/evaluate.ts";
import { listSites } from "../../sites/list.ts";
import { siteScores } from "../data/compliance.ts";
import { fleetBySite } from "../data/fleet.ts";
import { filterSites, SiteFilter } from "../data/site-filter.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { done, guard } from "./handler-kit.ts";
import { SitesPage } from "./sites-page.tsx";

/** Register the handlers of the sites list. */
export function registerSitesRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard", page(), async (c) => {
    const ctx = webCtx(c, deps);
    const { sites } = await listSites({ ctx });
    const ids = sites.map((s) => s.id);
    const now = deps.clock.now();
    const programs = new Map(
      await Promise.all(ids.map(async (id) => [id, (await siteProgram(deps, id)).evaluation] as const)),
    );
    const [scores, fleet] = await Promise.all([
      siteScores(deps, ids, programs),
      fleetBySite(deps.db, ids, now),
    ]);
    // Empty fields of the filter form mean "any".
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, x]) => x !== ""));
    const parsed = v.safeParse(SiteFilter, query);
    if (!parsed.success)
      throw new WebError(
        400,
        "Please check the filter",
        `${v.getDotPath(parsed.issues[0]) ?? "filter"}: ${parsed.issues[0].message}`,
      );
    const shown = filterSites(sites, scores, fleet, parsed.output);
    return c.html(
      <SitesPage
        web={c.get("web")}
        sites={shown}
        total={sites.length}
        filter={parsed.output}
        scores={scores}
        fleet={fleet}
        now={now}
        done={done(c)}
      />,
    );
  });
}
