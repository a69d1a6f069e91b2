import type { RunbookCatalogue } from "./catalogue.ts";
import { getIncident } from "./get-incident.ts";
import { getRunbook } from "./get-runbook.ts";
import { getSiteCompliance } from "./get-site-compliance.ts";
import { listIncidents } from "./list-incidents.ts";
import { listPromotionCandidates } from "./list-promotion-candidates.ts";
import { listRunbooks } from "./list-runbooks.ts";
import { listSites } from "./list-sites.ts";
import { proposeRemediationTool } from "./propose-remediation.ts";
import { proveConsistencyTool } from "./prove-consistency.ts";
import { proveInclusionTool } from "./prove-inclusion.ts";
import type { ToolDef } from "./tool.ts";
import { verifyChain } from "./verify-chain.ts";

/** The one tool registry: MCP serves it, the L2 broker derives its allow-list from the same catalogue. */
export interface ToolRegistry {
  tools: readonly ToolDef[];
  get(name: string): ToolDef | undefined;
}

/** Build the registry over a runbook catalogue (which narrows what a proposal may name). */
export function createToolRegistry(catalogue: RunbookCatalogue): ToolRegistry {
  const tools = [
    listSites,
    getSiteCompliance,
    listIncidents,
    getIncident,
    listRunbooks,
    getRunbook,
    verifyChain,
    proveInclusionTool,
    proveConsistencyTool,
    listPromotionCandidates,
    proposeRemediationTool(catalogue),
  ];
  const byName = new Map(tools.map((t) => [t.name, t]));
  return { tools, get: (name) => byName.get(name) };
}
