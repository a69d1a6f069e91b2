import { ListRunbooksInput, ListRunbooksOutput } from "../../../protocol/mcp.ts";
import { defineTool } from "./tool.ts";

/** list_runbooks: the catalogue, optionally filtered by platform, check or HIPAA citation. */
export const listRunbooks = defineTool({
  name: "list_runbooks",
  title: "List runbooks",
  description:
    "Runbooks the appliances can run: what each detects, remediates and verifies, its HIPAA citations, " +
    "blast radius, rollback and parameters with their bounds. Filter by platform, checkId or citation.",
  kind: "read",
  minRole: "read-only",
  input: ListRunbooksInput,
  output: ListRunbooksOutput,
  async run({ ctx, input }) {
    const runbooks = ctx.catalogue
      .all()
      .filter(
        (r) =>
          (input.platform === undefined || r.platform === input.platform) &&
          (input.checkId === undefined || r.checkId === input.checkId) &&
          (input.citation === undefined || r.citations.includes(input.citation)),
      );
    return { runbooks: [...runbooks] };
  },
});
