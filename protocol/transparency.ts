import * as v from "valibot";
import { Hex64, Id, NonNegInt } from "./common.ts";

/**
 * The wire form of a site's transparency log: proofs the cloud serves and the CLI, the appliance and
 * an auditor check (protocol/merkle.ts). Hashes are lowercase hex; a leaf's data is the 32 bytes of
 * the bundle's chain hash.
 */

/** Inclusion of one bundle in the site's log of `treeSize` leaves, whose root is `root`. */
export const InclusionProof = v.strictObject({
  siteId: Id,
  applianceId: Id,
  seq: NonNegInt,
  bundleHash: Hex64,
  leafIndex: NonNegInt,
  treeSize: NonNegInt,
  root: Hex64,
  proof: v.pipe(v.array(Hex64), v.maxLength(64)),
});
export type InclusionProof = v.InferOutput<typeof InclusionProof>;

/** The site's log of `size2` leaves (root `root2`) extends its log of `size1` leaves (root `root1`). */
export const ConsistencyProof = v.strictObject({
  siteId: Id,
  size1: NonNegInt,
  root1: Hex64,
  size2: NonNegInt,
  root2: Hex64,
  proof: v.pipe(v.array(Hex64), v.maxLength(128)),
});
export type ConsistencyProof = v.InferOutput<typeof ConsistencyProof>;

/** MCP prove_inclusion: a bundle of a site, by its chain hash or by appliance and sequence number. */
export const ProveInclusionInput = v.strictObject({
  siteId: Id,
  bundleHash: v.optional(Hex64),
  applianceId: v.optional(Id),
  seq: v.optional(NonNegInt),
  /** Prove against this size of the log (a checkpoint's); the current size when left out. */
  treeSize: v.optional(NonNegInt),
});
export type ProveInclusionInput = v.InferOutput<typeof ProveInclusionInput>;

/** MCP prove_consistency: two sizes of a site's log (`to`: the current size when left out). */
export const ProveConsistencyInput = v.strictObject({
  siteId: Id,
  from: NonNegInt,
  to: v.optional(NonNegInt),
});
export type ProveConsistencyInput = v.InferOutput<typeof ProveConsistencyInput>;

/**
 * GET /agent/tlog?from=N: the appliance's view of its site's log — the newest signed checkpoint (a
 * C2SP signed note; null before the first) and, when `from` is given and not beyond it, the
 * consistency proof from the appliance's stored size `from` to the checkpoint's size.
 */
export const LogView = v.strictObject({
  checkpoint: v.nullable(v.pipe(v.string(), v.maxLength(8192))),
  consistency: v.nullable(ConsistencyProof),
});
export type LogView = v.InferOutput<typeof LogView>;
