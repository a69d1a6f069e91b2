import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { CloudResolvedIncidents, IncidentReport, IncidentResolution } from "../../../protocol/incident.ts";
import { PlanOutcome, PlanRequest, SignedPlan } from "../../../protocol/plan.ts";
import type { RouteDeps } from "../deps.ts";
import { param, readJson } from "../http/body.ts";
import { type AppEnv, serviceContext } from "../http/env.ts";
import { badRequest } from "../http/errors.ts";
import { route } from "../http/route.ts";
import { ingestIncidents } from "../incidents/ingest.ts";
import { listIncidents } from "../incidents/list.ts";
import { resolveSiteIncident } from "../incidents/resolve.ts";
import { cloudResolvedFor } from "../incidents/resolved.ts";
import { IncidentList, IncidentStored, SiteIncidentView } from "../incidents/view.ts";
import { approveCandidate, listPatterns, rejectCandidate } from "../learning/promote.ts";
import type { LearningSettings } from "../learning/settings.ts";
import { LearningPatternList, LearningPatternView, PatternRejection } from "../learning/view.ts";
import { planForIncident } from "./broker.ts";
import { recordPlanOutcome } from "./outcome.ts";
import { type PlannerSettings, plannerSettingsFor } from "./settings.ts";

const Approved = v.strictObject({ pattern: LearningPatternView, ruleId: Id, rulesVersion: v.number() });
const OutcomeRecorded = v.strictObject({ pattern: v.nullable(v.string()), status: v.nullable(v.string()) });

/**
 * Healing routes: the L2 planning broker and plan outcomes (appliances), incidents (appliances
 * report; people list and resolve), learning-loop candidates (people approve or reject).
 */
export function registerHealRoutesWith(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  fallback: PlannerSettings,
  learning: LearningSettings,
): void {
  const settings = () => plannerSettingsFor(deps.db, fallback);

  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.plan,
      summary:
        "L2 plan for a PHI-scrubbed incident, signed by the cloud (429 + Retry-After past the site's limit or budget)",
      auth: "appliance",
      body: PlanRequest,
      response: SignedPlan,
    },
    async (c) => {
      const input = await readJson(c, PlanRequest, "plan request");
      return c.json(await planForIncident({ ctx: serviceContext(c, deps), input, settings: settings() }));
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/agent/plan/:planId/outcome",
      summary: "What came of an L2 plan on the appliance (feeds the learning loop)",
      auth: "appliance",
      body: PlanOutcome,
      response: OutcomeRecorded,
    },
    async (c) => {
      const outcome = await readJson(c, PlanOutcome, "plan outcome");
      const planId = param(Id, c.req.param("planId"), "planId");
      return c.json(
        await recordPlanOutcome({
          ctx: serviceContext(c, deps),
          input: { planId, outcome },
          catalogue: settings().catalogue,
          learning,
        }),
      );
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: AGENT_API.incidents,
      summary: "Open or update the appliance's incidents (PHI-scrubbed)",
      auth: "appliance",
      body: IncidentReport,
      response: IncidentStored,
    },
    async (c) => {
      const input = await readJson(c, IncidentReport, "incident report");
      return c.json(await ingestIncidents({ ctx: serviceContext(c, deps), input }));
    },
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: AGENT_API.incidents,
      summary: "This appliance's incidents a person resolved in the cloud (the appliance closes its copy)",
      auth: "appliance",
      response: CloudResolvedIncidents,
    },
    async (c) => c.json(await cloudResolvedFor({ ctx: serviceContext(c, deps) })),
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/incidents",
      summary: "A site's incidents, newest first (?status=open|resolved)",
      auth: { admin: "read-only", siteParam: "siteId" },
      response: IncidentList,
    },
    async (c) => {
      const status = c.req.query("status");
      if (status !== undefined && status !== "open" && status !== "resolved") {
        throw badRequest('status must be "open" or "resolved"');
      }
      const list = await listIncidents({
        ctx: serviceContext(c, deps),
        input: { siteId: param(Id, c.req.param("siteId"), "siteId"), ...(status ? { status } : {}) },
      });
      return c.json({ incidents: list });
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/incidents/:applianceId/:incidentId/resolve",
      summary: "A person resolves an incident",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      body: IncidentResolution,
      response: SiteIncidentView,
    },
    async (c) => {
      const body = await readJson(c, IncidentResolution, "incident resolution");
      return c.json(
        await resolveSiteIncident({
          ctx: serviceContext(c, deps),
          input: {
            siteId: param(Id, c.req.param("siteId"), "siteId"),
            applianceId: param(Id, c.req.param("applianceId"), "applianceId"),
            incidentId: param(Id, c.req.param("incidentId"), "incidentId"),
            resolution: body.resolution,
          },
        }),
      );
    },
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/learning/patterns",
      summary: "Learning-loop patterns (L2 resolutions), promotion candidates first (?status=…)",
      auth: { admin: "read-only" },
      response: LearningPatternList,
    },
    async (c) => {
      const status = c.req.query("status");
      const patterns = await listPatterns({ ctx: serviceContext(c, deps), input: status ? { status } : {} });
      return c.json({ patterns });
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/learning/patterns/:pattern/approve",
      summary: "Approve a candidate: it becomes a promoted L1 rule in a new signed fleet rule set",
      auth: { admin: "msp-admin" },
      privileged: true,
      response: Approved,
    },
    async (c) => {
      const r = await approveCandidate({
        ctx: serviceContext(c, deps),
        input: { pattern: param(Id, c.req.param("pattern"), "pattern") },
        catalogue: settings().catalogue,
      });
      return c.json({ pattern: r.pattern, ruleId: r.rule.id, rulesVersion: r.rulesVersion });
    },
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/learning/patterns/:pattern/reject",
      summary: "Reject a candidate (with a reason); it is not proposed again",
      auth: { admin: "msp-admin" },
      body: PatternRejection,
      response: LearningPatternView,
    },
    async (c) => {
      const body = await readJson(c, PatternRejection, "rejection");
      return c.json(
        await rejectCandidate({
          ctx: serviceContext(c, deps),
          input: { pattern: param(Id, c.req.param("pattern"), "pattern"), reason: body.reason },
        }),
      );
    },
  );
}
