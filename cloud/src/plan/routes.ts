import type { Hono } from "hono";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { Id } from "../../../protocol/common.ts";
import { CloudResolvedIncidents, IncidentReport, IncidentResolution } from "../../../protocol/incident.ts";
import { PlanOutcome, PlanRequest, SignedPlan } from "../../../protocol/plan.ts";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { idParams } from "../http/params.ts";
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
    async ({ c, ctx, body }) => c.json(await planForIncident({ ctx, input: body, settings: settings() })),
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/agent/plan/:planId/outcome",
      summary: "What came of an L2 plan on the appliance (feeds the learning loop)",
      auth: "appliance",
      params: idParams("planId"),
      body: PlanOutcome,
      response: OutcomeRecorded,
    },
    async ({ c, ctx, params, body }) =>
      c.json(
        await recordPlanOutcome({
          ctx,
          input: { ...params, outcome: body },
          catalogue: settings().catalogue,
          learning,
        }),
      ),
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
    async ({ c, ctx, body }) => c.json(await ingestIncidents({ ctx, input: body })),
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
    async ({ c, ctx }) => c.json(await cloudResolvedFor({ ctx })),
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/incidents",
      summary: "A site's incidents, newest first (?status=open|resolved)",
      auth: { admin: "read-only", siteParam: "siteId" },
      params: idParams("siteId"),
      query: v.object({ status: v.optional(v.picklist(["open", "resolved"])) }),
      response: IncidentList,
    },
    async ({ c, ctx, params, query }) =>
      c.json({ incidents: await listIncidents({ ctx, input: { ...params, ...query } }) }),
  );

  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/incidents/:applianceId/:incidentId/resolve",
      summary: "A person resolves an incident",
      auth: { admin: "msp-tech", siteParam: "siteId" },
      params: idParams("siteId", "applianceId", "incidentId"),
      body: IncidentResolution,
      response: SiteIncidentView,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await resolveSiteIncident({ ctx, input: { ...params, resolution: body.resolution } })),
  );

  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/learning/patterns",
      summary: "Learning-loop patterns (L2 resolutions), promotion candidates first (?status=…)",
      auth: { admin: "read-only" },
      query: v.object({ status: v.optional(LearningPatternView.entries.status) }),
      response: LearningPatternList,
    },
    async ({ c, ctx, query }) => c.json({ patterns: await listPatterns({ ctx, input: query }) }),
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
      params: idParams("pattern"),
      response: Approved,
    },
    async ({ c, ctx, params }) => {
      const r = await approveCandidate({ ctx, input: params, catalogue: settings().catalogue });
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
      params: idParams("pattern"),
      body: PatternRejection,
      response: LearningPatternView,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await rejectCandidate({ ctx, input: { ...params, reason: body.reason } })),
  );
}
