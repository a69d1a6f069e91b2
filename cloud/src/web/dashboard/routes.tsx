/**
 * MSP dashboard pages and actions, registered page by page. Every page needs an admin session;
 * every action names the role it needs, is CSRF-checked by the guard, goes through the same
 * service verb as the JSON API (which checks role and site scope again and writes the audit row),
 * and redirects back.
 */
import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import type { WebEnv } from "../env.ts";
import { registerAlertsRoutes } from "./alerts-routes.tsx";
import { registerApprovalsRoutes } from "./approvals-routes.tsx";
import { registerAuditRoutes } from "./audit-routes.tsx";
import { registerEvidenceRoutes } from "./evidence-routes.tsx";
import { registerIncidentsRoutes } from "./incidents-routes.tsx";
import { registerLearningRoutes } from "./learning-routes.tsx";
import { registerProvisioningRoutes } from "./provisioning-routes.tsx";
import { registerRegulatoryRoutes } from "./regulatory-routes.tsx";
import { registerRunbookOrderRoutes } from "./runbook-order-routes.tsx";
import { registerSiteRoutes } from "./site-routes.tsx";
import { registerSitesRoutes } from "./sites-routes.tsx";
import { registerTargetPages } from "./targets-routes.tsx";

/** Register the dashboard: one line per page module. */
export function registerDashboard(web: Hono<WebEnv>, deps: CloudDeps): void {
  registerTargetPages(web, deps);
  registerSitesRoutes(web, deps);
  registerSiteRoutes(web, deps);
  registerRunbookOrderRoutes(web, deps);
  registerEvidenceRoutes(web, deps);
  registerIncidentsRoutes(web, deps);
  registerApprovalsRoutes(web, deps);
  registerLearningRoutes(web, deps);
  registerAlertsRoutes(web, deps);
  registerAuditRoutes(web, deps);
  registerRegulatoryRoutes(web, deps);
  registerProvisioningRoutes(web, deps);
}
