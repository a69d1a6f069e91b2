import type { Hono } from "hono";
import * as v from "valibot";
import { L1Rule } from "../../../protocol/rules.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { publishRuleSet } from "../rules/publish.ts";
import { createSite } from "../sites/create.ts";
import { getSite, listSites } from "../sites/list.ts";
import { SiteConfigInput, SiteCreate, SiteList, SiteView } from "../sites/schemas.ts";
import { updateSiteConfig } from "../sites/update-config.ts";

/** PUT /api/rules and /api/sites/:siteId/rules body. */
export const RuleSetInput = v.strictObject({ rules: v.pipe(v.array(L1Rule), v.maxLength(1000)) });
const Published = v.strictObject({ version: v.number() });
const SiteParams = idParams("siteId");
/** Rule sets may hold up to 1,000 rules. */
const MAX_RULES_BODY = 2 * 1024 * 1024;

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
    async ({ c, ctx, body }) => c.json(await createSite({ ctx, input: body }), 201),
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
    async ({ c, ctx }) => c.json(await listSites({ ctx })),
  );
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId",
      summary: "One site",
      auth: { admin: "read-only", siteParam: "siteId" },
      params: SiteParams,
      response: SiteView,
    },
    getSite,
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/config",
      summary: "Replace a site's config (version increases; appliances pick it up at the next sync)",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      params: SiteParams,
      body: SiteConfigInput,
      response: SiteView,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await updateSiteConfig({ ctx, input: { ...params, config: body } })),
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
      maxBody: MAX_RULES_BODY,
      response: Published,
    },
    async ({ c, ctx, body }) =>
      c.json(await publishRuleSet({ ctx, input: { siteId: null, rules: body.rules } })),
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
      params: SiteParams,
      body: RuleSetInput,
      maxBody: MAX_RULES_BODY,
      response: Published,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await publishRuleSet({ ctx, input: { siteId: params.siteId, rules: body.rules } })),
  );
}
