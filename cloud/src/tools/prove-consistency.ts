import { ConsistencyProof, ProveConsistencyInput } from "../../../protocol/transparency.ts";
import { proveConsistency } from "../transparency/verbs.ts";
import { defineSiteReadTool } from "./site-read-tool.ts";

/** prove_consistency: the consistency proof the REST endpoint serves (transparency/verbs.ts). */
export const proveConsistencyTool = defineSiteReadTool({
  name: "prove_consistency",
  title: "Prove the site's log only grew",
  description:
    "RFC 6962 consistency proof that the site's Merkle log at size `to` (the current size by default) extends " +
    "the log at size `from`: both roots and the proof hashes, which `malachor evidence verify-proof` checks " +
    "against two signed checkpoints.",
  input: ProveConsistencyInput,
  output: ConsistencyProof,
  run: ({ ctx, input }) => proveConsistency({ ctx, input }),
});
