import { and, desc, eq } from "drizzle-orm";
import * as v from "valibot";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceContext } from "../context.ts";
import { checkpointAnchors } from "../db/schema/anchoring.ts";
import { notFound } from "../http/errors.ts";

/** One stored anchor as the API lists it. */
export const AnchorView = v.strictObject({
  id: v.number(),
  checkpointId: v.number(),
  treeSize: v.number(),
  kind: v.picklist(["rfc3161", "ots"]),
  source: v.string(),
  complete: v.boolean(),
  stampedAt: v.nullable(v.string()),
  createdAt: v.string(),
  /** Where the token or .ots file is downloaded. */
  download: v.string(),
});
export type AnchorView = v.InferOutput<typeof AnchorView>;

/** The site's anchors, newest first; with `treeSize`, those of the checkpoints of that size. */
export async function listAnchors({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; treeSize?: number | undefined };
}): Promise<AnchorView[]> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const rows = await ctx.db
    .select()
    .from(checkpointAnchors)
    .where(
      and(
        eq(checkpointAnchors.siteId, input.siteId),
        input.treeSize === undefined ? undefined : eq(checkpointAnchors.treeSize, input.treeSize),
      ),
    )
    .orderBy(desc(checkpointAnchors.id))
    .limit(1000);
  return rows.map((r) => ({
    id: r.id,
    checkpointId: r.checkpointId,
    treeSize: r.treeSize,
    kind: r.kind,
    source: r.source,
    complete: r.complete,
    stampedAt: r.stampedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    download: `/api/sites/${input.siteId}/tlog/anchors/${r.id}`,
  }));
}

/** One anchor's bytes (a DER TimeStampToken or an .ots file) and the file name to save it as. */
export async function anchorFile({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { siteId: string; anchorId: number };
}): Promise<{ bytes: Buffer; fileName: string; contentType: string }> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  const [row] = await ctx.db
    .select()
    .from(checkpointAnchors)
    .where(and(eq(checkpointAnchors.siteId, input.siteId), eq(checkpointAnchors.id, input.anchorId)));
  if (!row) throw notFound(`site ${input.siteId} has no anchor ${input.anchorId}`);
  const stem = `${input.siteId}-checkpoint-${row.treeSize}-${row.id}`;
  return row.kind === "rfc3161"
    ? {
        bytes: Buffer.from(row.proof, "base64"),
        fileName: `${stem}.tst`,
        contentType: "application/timestamp-token",
      }
    : {
        bytes: Buffer.from(row.proof, "base64"),
        fileName: `${stem}.ots`,
        contentType: "application/vnd.opentimestamps.v1",
      };
}
