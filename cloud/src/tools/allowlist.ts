import type { SiteConfig } from "../../../protocol/sync.ts";
import type { RunbookCatalogue } from "./catalogue.ts";

/**
 * The runbooks a remediation may name: what an operator's MCP client may propose and what the L2
 * planner may ask for are this one set. Every catalogued runbook qualifies, because each is a
 * bounded detect → remediate → verify script; nothing outside the catalogue ever does.
 */
export function remediationAllowList(catalogue: Pick<RunbookCatalogue, "all">): string[] {
  return catalogue
    .all()
    .map((r) => r.id)
    .sort();
}

/** Whether a site's own switches let `runbookId` run there (empty enabledRunbooks = all). */
export function siteAllowsRunbook(config: Pick<SiteConfig, "healing">, runbookId: string): boolean {
  const enabled = config.healing.enabledRunbooks;
  return enabled.length === 0 || enabled.includes(runbookId);
}
