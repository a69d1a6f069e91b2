import * as v from "valibot";
import { ProposeRemediationInput, ProposeRemediationOutput } from "../../../protocol/mcp.ts";
import { checkRunbookParams } from "../../../protocol/runbook.ts";
import { findAppliance } from "../appliances/find.ts";
import { badRequest, forbidden } from "../http/errors.ts";
import { createOrders } from "../orders/create.ts";
import { siteConfigOf } from "../sites/view.ts";
import { findingKey, siteCompliance } from "../web/data/compliance.ts";
import { remediationAllowList, siteAllowsRunbook } from "./allowlist.ts";
import type { RunbookCatalogue } from "./catalogue.ts";
import { findSiteIncident } from "./incidents.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool, type ToolDef } from "./tool.ts";

/** What a person does with a proposal. */
export const APPROVAL_HINT =
  "waits for an msp-admin to approve it (dashboard: Orders, or `malachor orders approve <orderId>`); nothing runs before";

/**
 * propose_remediation over a catalogue: `runbookId` is narrowed to the allow-list (so tools/list
 * shows exactly which runbooks may be proposed), parameters are held to the runbook's bounds, the
 * site must allow the runbook, the runbook's check must be one the appliance reports for that host,
 * and a proposal tied to an incident must fix that incident's own check on its own host. Incident
 * text is never read here: whatever it says, it cannot widen what a proposal may do. The result is
 * an order in pending-approval.
 */
export function proposeRemediationTool(catalogue: RunbookCatalogue): ToolDef {
  const allowed = remediationAllowList(catalogue);
  const input = v.strictObject({
    ...ProposeRemediationInput.entries,
    runbookId: v.picklist(allowed, "must be a runbook id from list_runbooks"),
  });
  return defineTool({
    name: "propose_remediation",
    title: "Propose a remediation",
    description:
      "Propose running one catalogued runbook on one host through one appliance, with parameters within the " +
      "runbook's bounds. Creates an order in pending-approval: nothing runs until an msp-admin approves it in " +
      "the dashboard or CLI. Needs role msp-tech or msp-admin; at most 10 state-changing calls per site per 5 minutes.",
    kind: "change",
    minRole: "msp-tech",
    input,
    output: ProposeRemediationOutput,
    siteOf: (i) => i.siteId,
    async run({ ctx, input: i }) {
      const site = await requireSite(ctx, i.siteId);
      const appliance = await findAppliance(ctx.db, ctx, i.applianceId);
      if (appliance.siteId !== i.siteId) {
        throw badRequest(`applianceId: appliance ${i.applianceId} does not belong to site ${i.siteId}`);
      }
      const spec = ctx.catalogue.get(i.runbookId);
      if (!spec) throw badRequest(`runbookId: no runbook "${i.runbookId}" in the catalogue`);
      if (!siteAllowsRunbook(siteConfigOf(site), spec.id)) {
        throw forbidden(
          `runbookId: ${spec.id} is not enabled for site ${i.siteId} (site config healing.enabledRunbooks)`,
        );
      }
      if (i.incidentId !== undefined) {
        const { incident } = await findSiteIncident(ctx, i.applianceId, i.incidentId);
        if (incident.checkId !== spec.checkId) {
          throw badRequest(
            `runbookId: ${spec.id} remediates check ${spec.checkId}, but incident ${incident.id} is about check ${incident.checkId}`,
          );
        }
        if (incident.host !== i.host) {
          throw badRequest(`host: incident ${incident.id} is about host ${incident.host}, not ${i.host}`);
        }
      }
      const checked = checkRunbookParams(spec, i.params ?? {});
      if (!checked.ok) throw badRequest(`params: ${checked.message}`);
      // Only where the runbook's check actually runs: the appliance's latest signed check cycle
      // must hold a finding of that check for that host (so the platform matches too).
      const { findings } = await siteCompliance(ctx, i.siteId);
      const seen = findings.get(findingKey(spec.checkId, i.host));
      if (!seen || seen.bundle.applianceId !== i.applianceId) {
        const hosts = [
          ...new Set(
            [...findings.values()].filter((f) => f.bundle.applianceId === i.applianceId).map((f) => f.host),
          ),
        ];
        throw badRequest(
          `host: appliance ${i.applianceId} reports no ${spec.checkId} result for host ${i.host} in its latest check cycle ` +
            `(hosts it reports: ${hosts.sort().join(", ") || "none yet"})`,
        );
      }
      const reason = i.incidentId ? `${i.reason} (incident ${i.incidentId})` : i.reason;
      const { orders } = await createOrders({
        ctx,
        input: {
          siteId: i.siteId,
          applianceId: i.applianceId,
          type: "run_runbook",
          params: { runbookId: spec.id, host: i.host, params: checked.params },
          reason: reason.slice(0, 500),
          requireApproval: true,
        },
      });
      const order = orders[0]!;
      return {
        orderId: order.id,
        state: order.state,
        siteId: order.siteId,
        applianceId: order.applianceId,
        runbookId: spec.id,
        host: i.host,
        params: checked.params,
        expiresAt: order.expiresAt,
        nextStep: `Order ${order.id} ${APPROVAL_HINT}.`,
      };
    },
  });
}
