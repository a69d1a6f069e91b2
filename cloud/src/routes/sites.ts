import type { Hono } from "hono";
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import { L1Rule } from "../../../protocol/rules.ts";
import type { RouteDeps } from "../deps.ts";
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import { publishRuleSet } from "../rules/publish.ts";
import { createSite } from "../sites/create.ts";
import { getSite, listSites } from "../sites/list.ts";
import { SiteConfigInput, SiteCreate, SiteList, SiteView } from "../sites/schemas.ts";
import { updateSiteConfig } from "../sites/update-config.ts";

/** PUT /api/rules and /api/sites/:siteId/rules body. */
export const RuleSetInput = v.strictObject({ rules: v.pipe(v.array(L1Rule), v.maxLength(1000)) });
const Published = v.strictObject({ version: v.number() });

/** Sites, their config and their L1 rules. */
export function registerSiteRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites",
      summary: "Create a site",
      auth: { admin: "msp-admin" },
      body: SiteCreate,
      response: SiteView,
    },
    async (c) =>
      c.json(
        await createSite({ ctx: serviceContext(c, deps), input: await readJson(c, SiteCreate, "site") }),
        201,
      ),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites",
      summary: "Sites this token may see",
      auth: { admin: "read-only" },
      response: SiteList,
    },
    async (c) => c.json(await listSites({ ctx: serviceContext(c, deps) })),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId",
      summary: "One site",
      auth: { admin: "read-only", siteParam: "siteId" },
      response: SiteView,
    },
    async (c) =>
      c.json(
        await getSite({
          ctx: serviceContext(c, deps),
          input: { siteId: param(Id, c.req.param("siteId"), "siteId") },
        }),
      ),
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/config",
      summary: "Replace a site's config (version increases; appliances pick it up at the next sync)",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      body: SiteConfigInput,
      response: SiteView,
    },
    async (c) => {
      const siteId = param(Id, c.req.param("siteId"), "siteId");
      const config = await readJson(c, SiteConfigInput, "site config");
      return c.json(await updateSiteConfig({ ctx: serviceContext(c, deps), input: { siteId, config } }));
    },
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/rules",
      summary: "Publish the fleet-wide L1 rule set",
      auth: { admin: "msp-admin" },
      privileged: true,
      body: RuleSetInput,
      response: Published,
    },
    async (c) => {
      const { rules } = await readJson(c, RuleSetInput, "rule set", 2 * 1024 * 1024);
      return c.json(await publishRuleSet({ ctx: serviceContext(c, deps), input: { siteId: null, rules } }));
    },
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/rules",
      summary: "Publish a site's own L1 rules (overlaid on the fleet-wide set)",
      auth: { admin: "msp-admin", siteParam: "siteId" },
      privileged: true,
      body: RuleSetInput,
      response: Published,
    },
    async (c) => {
      const siteId = param(Id, c.req.param("siteId"), "siteId");
      const { rules } = await readJson(c, RuleSetInput, "rule set", 2 * 1024 * 1024);
      return c.json(await publishRuleSet({ ctx: serviceContext(c, deps), input: { siteId, rules } }));
    },
  );
}
