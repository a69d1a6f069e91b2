import type { RunbookCatalogue } from "../../../lib/runbook-types.ts";
import type { RunbookSpec } from "../../../protocol/runbook.ts";
import { remediationAllowList } from "../tools/allowlist.ts";
import { RUNBOOK_CATALOGUE } from "../tools/runbook-catalogue.ts";

/**
 * The runbooks the L2 planner may ever name: exactly the shared remediation allow-list that MCP's
 * propose_remediation uses (cloud/src/tools/allowlist.ts), so the two cannot drift apart.
 */
export function l2AllowList(catalogue: RunbookCatalogue = RUNBOOK_CATALOGUE): string[] {
  return remediationAllowList(catalogue);
}

/**
 * The runbooks a plan for one incident may name: on the L2 allow-list, fixing the incident's
 * check, and offered by the appliance (its own allow-list, re-checked again when it acts).
 */
export function planAllowList(
  catalogue: RunbookCatalogue,
  incident: { checkId: string },
  offeredByAppliance: readonly string[],
): RunbookSpec[] {
  const allowed = new Set(l2AllowList(catalogue));
  const offered = new Set(offeredByAppliance);
  return catalogue
    .all()
    .filter((r) => allowed.has(r.id) && offered.has(r.id) && r.checkId === incident.checkId);
}
