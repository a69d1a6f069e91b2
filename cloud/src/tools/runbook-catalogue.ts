import { RUNBOOKS, type Runbook } from "../../../runbooks/index.ts";
import { catalogueOf, type RunbookCatalogue } from "./catalogue.ts";
import { runbookDocumentation } from "./runbook-doc.ts";

/** A runbook's scripts by file name (detect.ps1, remediate.ps1, …), in run order. */
function scriptFiles(r: Runbook): Record<string, string> {
  const ext = r.spec.platform === "windows" ? "ps1" : "sh";
  const { detect, remediate, verify, rollback } = r.scripts;
  return {
    [`detect.${ext}`]: detect,
    [`remediate.${ext}`]: remediate,
    [`verify.${ext}`]: verify,
    ...(rollback !== undefined ? { [`rollback.${ext}`]: rollback } : {}),
  };
}

/**
 * The catalogue the cloud serves: the embedded runbooks (runbooks/index.ts) with documentation
 * rendered from each spec and its scripts. MCP tools and resources and the L2 allow-list read it.
 */
export const RUNBOOK_CATALOGUE: RunbookCatalogue = catalogueOf(
  RUNBOOKS.map((r) => ({ spec: r.spec, doc: runbookDocumentation(r.spec, scriptFiles(r)) })),
);
