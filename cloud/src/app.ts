import { Hono } from "hono";
import { registerAlerts } from "./alerts/routes.ts";
import { registerAnchoringRoutes } from "./anchoring/routes.ts";
import type { CloudDeps, RouteDeps } from "./deps.ts";
import { registerEscrow } from "./escrow/routes.ts";
import type { AppEnv } from "./http/env.ts";
import { ApiError, errorResponse } from "./http/errors.ts";
import { hsts } from "./http/hsts.ts";
import { requestContext } from "./http/request-context.ts";
import { registerMcp } from "./mcp/route.ts";
import { ApiDoc } from "./openapi/doc.ts";
import { type HealSettings, registerHeal } from "./plan/register.ts";
import { registerRegulatory } from "./regulatory/routes.ts";
import { registerRekey } from "./rekey/routes.ts";
import { registerAgentRoutes } from "./routes/agent.ts";
import { registerApplianceRoutes } from "./routes/appliances.ts";
import { registerEvidenceRoutes } from "./routes/evidence.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerOpenApi } from "./routes/openapi.ts";
import { registerOrderRoutes } from "./routes/orders.ts";
import { registerProgramRoutes } from "./routes/program.ts";
import { registerProvisionRoutes } from "./routes/provision.ts";
import { registerSiteRoutes } from "./routes/sites.ts";
import { registerTargetRoutes } from "./routes/targets.ts";
import { registerTokenRoutes } from "./routes/tokens.ts";
import type { EscrowSource } from "./settings.ts";
import { registerTransparencyRoutes } from "./transparency/routes.ts";
import { registerUpdate } from "./update/routes.ts";
import type { WebOptions } from "./web/options.ts";
import { registerWeb } from "./web/register.ts";

/** The composed cloud app, with the OpenAPI collector its routes filled. */
export interface CloudApp {
  app: Hono<AppEnv>;
  doc: ApiDoc;
}

/** Area settings from the cloud's configuration (absent: the area's off / log-only defaults). */
export interface AppOptions {
  web?: WebOptions;
  heal?: HealSettings;
  escrow?: EscrowSource;
}

/**
 * Build the Hono app from injected dependencies. One `registerX(app, deps)` line per route module;
 * add yours in the block below (keep /openapi.json last so it sees every route).
 */
export function buildApp(deps: CloudDeps, opts: AppOptions = {}): CloudApp {
  const app = new Hono<AppEnv>();
  const rd: RouteDeps = { ...deps, doc: new ApiDoc() };
  app.use(requestContext(deps));
  app.use(hsts(deps));
  app.onError((err, c) => errorResponse(err, c, deps.logger));
  app.notFound((c) =>
    errorResponse(
      new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`),
      c,
      deps.logger,
    ),
  );

  registerHealth(app, rd);
  registerMetrics(app, rd);
  registerAgentRoutes(app, rd);
  registerOrderRoutes(app, rd);
  registerProvisionRoutes(app, rd);
  registerSiteRoutes(app, rd);
  registerApplianceRoutes(app, rd);
  registerTokenRoutes(app, rd);
  registerTargetRoutes(app, rd);
  registerEvidenceRoutes(app, rd);
  registerTransparencyRoutes(app, rd);
  registerAnchoringRoutes(app, rd);
  registerUpdate(app, rd);
  registerRekey(app, rd);
  registerRegulatory(app, rd);
  registerEscrow(app, rd, opts.escrow ?? {});
  registerMcp(app, rd);
  registerWeb(app, rd, opts.web);
  registerHeal(app, rd, opts.heal);
  registerAlerts(app, rd);
  registerProgramRoutes(app, rd);

  registerOpenApi(app, rd);
  return { app, doc: rd.doc };
}
