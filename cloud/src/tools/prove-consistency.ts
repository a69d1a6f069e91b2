import { ConsistencyProof, ProveConsistencyInput } from "../../../protocol/transparency.ts";
import { proveConsistency } from "../transparency/verbs.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool } from "./tool.ts";

/** prove_consistency: the consistency proof the REST endpoint serves (transparency/verbs.ts). */
export const proveConsistencyTool = defineTool({
  name: "prove_consistency",
  title: "Prove the site's log only grew",
  description:
    "RFC 6962 consistency proof that the site's Merkle log at size `to` (the current size by default) extends " +
    "the log at size `from`: both roots and the proof hashes, which `malachor evidence verify-proof` checks " +
    "against two signed checkpoints.",
  kind: "read",
  minRole: "read-only",
  input: ProveConsistencyInput,
  output: ConsistencyProof,
  siteOf: (input) => input.siteId,
  async run({ ctx, input }) {
    await requireSite(ctx, input.siteId);
    return proveConsistency({ ctx, input });
  },
});
