import { InclusionProof, ProveInclusionInput } from "../../../protocol/transparency.ts";
import { proveInclusion } from "../transparency/verbs.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool } from "./tool.ts";

/** prove_inclusion: the inclusion proof the REST endpoint serves (transparency/verbs.ts). */
export const proveInclusionTool = defineTool({
  name: "prove_inclusion",
  title: "Prove a bundle is in the site's log",
  description:
    "RFC 6962 inclusion proof of one evidence bundle (by bundleHash, or by applianceId and seq) in the site's " +
    "Merkle log of treeSize leaves (the current size by default): leaf index, root and the audit path, which " +
    "`malachor evidence verify-proof` checks against a signed checkpoint.",
  kind: "read",
  minRole: "read-only",
  input: ProveInclusionInput,
  output: InclusionProof,
  siteOf: (input) => input.siteId,
  async run({ ctx, input }) {
    await requireSite(ctx, input.siteId);
    return proveInclusion({ ctx, input });
  },
});
