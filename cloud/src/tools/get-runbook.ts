import { GetRunbookInput, GetRunbookOutput } from "../../../protocol/mcp.ts";
import { notFound } from "../http/errors.ts";
import { defineTool } from "./tool.ts";

/** The MCP resource URI of a runbook's documentation. */
export function runbookDocUri(id: string): string {
  return `malachor://runbooks/${id}`;
}

/** get_runbook: one runbook's spec and documentation. */
export const getRunbook = defineTool({
  name: "get_runbook",
  title: "Get a runbook",
  description:
    "One runbook: what it detects, remediates and verifies, HIPAA citations, parameters with bounds " +
    "and defaults, and its documentation.",
  kind: "read",
  minRole: "read-only",
  input: GetRunbookInput,
  output: GetRunbookOutput,
  async run({ ctx, input }) {
    const runbook = ctx.catalogue.get(input.runbookId);
    if (!runbook)
      throw notFound(`runbookId: no runbook "${input.runbookId}" in the catalogue (see list_runbooks)`);
    return {
      runbook,
      documentation: ctx.catalogue.documentation(runbook.id) ?? "",
      documentationUri: runbookDocUri(runbook.id),
    };
  },
});
