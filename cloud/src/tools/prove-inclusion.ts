import { InclusionProof, ProveInclusionInput } from "../../../protocol/transparency.ts";
import { proveInclusion } from "../transparency/verbs.ts";
import { defineSiteReadTool } from "./site-read-tool.ts";

/** prove_inclusion: the inclusion proof the REST endpoint serves (transparency/verbs.ts). */
export const proveInclusionTool = defineSiteReadTool({
  name: "prove_inclusion",
  title: "Prove a bundle is in the site's log",
  description:
    "RFC 6962 inclusion proof of one evidence bundle (by bundleHash, or by applianceId and seq) in the site's " +
    "Merkle log of treeSize leaves (the current size by default): leaf index, root and the audit path, which " +
    "`malachor evidence verify-proof` checks against a signed checkpoint.",
  input: ProveInclusionInput,
  output: InclusionProof,
  run: ({ ctx, input }) => proveInclusion({ ctx, input }),
});
