import * as v from "valibot";
import { Hex64, Id, NonNegInt } from "../../../protocol/common.ts";
import type { LogView } from "../../../protocol/transparency.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { badRequest, forbidden, notFound } from "../http/errors.ts";
import { type CheckpointView, issueCheckpoint, latestCheckpoint } from "./checkpoints.ts";
import { consistencyProof, inclusionProof } from "./proofs.ts";

/** Which bundle to prove, as callers name it: its chain hash, or its appliance and sequence number. */
export const InclusionInput = v.object({
  bundleHash: v.optional(Hex64),
  applianceId: v.optional(Id),
  seq: v.optional(NonNegInt),
  treeSize: v.optional(NonNegInt),
});
export type InclusionInput = v.InferOutput<typeof InclusionInput>;

/** Two sizes of a site's log (`to`: the current size when left out). */
export const ConsistencyInput = v.object({ from: NonNegInt, to: v.optional(NonNegInt) });

/** Inclusion proof of one bundle in its site's log. */
export async function proveInclusion({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: InclusionInput & { siteId: string };
}) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const byHash = input.bundleHash !== undefined;
  const bySeq = input.applianceId !== undefined && input.seq !== undefined;
  if (byHash === bySeq)
    throw badRequest("name the bundle by bundleHash, or by applianceId and seq (one of the two)");
  const ref =
    input.bundleHash !== undefined
      ? { bundleHash: input.bundleHash }
      : { applianceId: input.applianceId!, seq: input.seq! };
  return inclusionProof(ctx.db, input.siteId, ref, input.treeSize);
}

/** Consistency proof between two sizes of a site's log. */
export async function proveConsistency({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; from: number; to?: number | undefined };
}) {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  return consistencyProof(ctx.db, input.siteId, input.from, input.to);
}

/** The site's newest signed checkpoint (404 before its first). */
export async function siteCheckpoint({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string };
}): Promise<CheckpointView> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const cp = await latestCheckpoint(ctx.db, ctx, input.siteId);
  if (!cp) throw notFound(`site ${input.siteId}'s log has no checkpoint yet`);
  return cp;
}

/** Sign a checkpoint of the site's log now (msp-tech). */
export async function checkpointNow({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string };
}): Promise<CheckpointView> {
  assertSiteRole(ctx.actor, "msp-tech", input.siteId);
  return issueCheckpoint(ctx.db, ctx, input.siteId);
}

/**
 * An appliance's check of its site's log: the newest checkpoint and the consistency proof from the
 * size the appliance stored (`from`) to that checkpoint's. A `from` beyond the checkpoint gets no
 * proof: the appliance sees the log shrank.
 */
export async function applianceLogView({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { from?: number | undefined };
}): Promise<LogView> {
  if (ctx.actor.type !== "appliance") throw forbidden("only an appliance reads its own site's log view");
  const { siteId } = ctx.actor;
  const cp = await latestCheckpoint(ctx.db, ctx, siteId);
  if (!cp) return { checkpoint: null, consistency: null };
  const from = input.from;
  const consistency =
    from !== undefined && from <= cp.size ? await consistencyProof(ctx.db, siteId, from, cp.size) : null;
  return { checkpoint: cp.note, consistency };
}
