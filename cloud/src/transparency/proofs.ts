import { and, eq, sql } from "drizzle-orm";
import {
  assemble,
  consistencyPlan,
  inclusionPlan,
  leafHash,
  type NodeId,
  nodeKey,
  planNodes,
  rootPlan,
} from "../../../protocol/merkle.ts";
import type { ConsistencyProof, InclusionProof } from "../../../protocol/transparency.ts";
import type { Db, Tx } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { tlogHeads, tlogLeaves } from "../db/schema/transparency.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { siteLogHead } from "./append.ts";

/**
 * The stored hashes of perfect subtrees of a site's log, in one round trip: leaves (level 0) are
 * hashed from their bundle hash, interior nodes read as written at append.
 */
export async function readNodes(db: Db | Tx, siteId: string, ids: NodeId[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
  const inner = ids.filter((id) => id.level > 0);
  if (leaves.length === 0 && inner.length === 0) return out;
  const parts = [];
  if (leaves.length > 0) {
    parts.push(sql`SELECT 0 AS level, idx, bundle_hash AS hash FROM tlog_leaves
      WHERE site_id = ${siteId} AND idx IN (${sql.join(
        leaves.map((i) => sql`${i}`),
        sql`, `,
      )})`);
  }
  if (inner.length > 0) {
    parts.push(sql`SELECT level, idx, hash FROM tlog_nodes WHERE site_id = ${siteId}
      AND (level, idx) IN (${sql.join(
        inner.map((id) => sql`(${id.level}::int, ${id.index}::bigint)`),
        sql`, `,
      )})`);
  }
  const rows = rowsOf<{ level: number | string; idx: number | string; hash: string }>(
    await db.execute(sql.join(parts, sql` UNION ALL `)),
  );
  for (const r of rows) {
    const level = Number(r.level);
    const bytes = Buffer.from(r.hash, "hex");
    out.set(nodeKey({ level, index: Number(r.idx) }), level === 0 ? leafHash(bytes) : bytes);
  }
  return out;
}

/** A tree size to prove against: the one asked for (at most the log's), else the log's current size. */
function sizeFor(siteId: string, headSize: number, asked: number | undefined): number {
  if (asked === undefined) return headSize;
  if (asked > headSize) throw badRequest(`site ${siteId}'s log holds ${headSize} leaves, not ${asked}`);
  return asked;
}

/** Which bundle to prove: by its chain hash, or by appliance and sequence number. */
export type LeafRef = { bundleHash: string } | { applianceId: string; seq: number };

/** The inclusion proof of one bundle in a site's log (current size unless `treeSize` is given). */
export async function inclusionProof(
  db: Db | Tx,
  siteId: string,
  ref: LeafRef,
  treeSize?: number,
): Promise<InclusionProof> {
  // The leaf and the log's size in one round trip.
  const [leaf] = await db
    .select({
      idx: tlogLeaves.idx,
      applianceId: tlogLeaves.applianceId,
      seq: tlogLeaves.seq,
      bundleHash: tlogLeaves.bundleHash,
      headSize: sql<
        number | string
      >`(SELECT ${tlogHeads.size} FROM ${tlogHeads} WHERE ${tlogHeads.siteId} = ${siteId})`,
    })
    .from(tlogLeaves)
    .where(
      "bundleHash" in ref
        ? and(eq(tlogLeaves.siteId, siteId), eq(tlogLeaves.bundleHash, ref.bundleHash))
        : and(
            eq(tlogLeaves.siteId, siteId),
            eq(tlogLeaves.applianceId, ref.applianceId),
            eq(tlogLeaves.seq, ref.seq),
          ),
    )
    .limit(1);
  const what = "bundleHash" in ref ? `bundle ${ref.bundleHash}` : `bundle #${ref.seq} of ${ref.applianceId}`;
  if (!leaf) throw notFound(`${what} is not in site ${siteId}'s log`);
  const size = sizeFor(siteId, Number(leaf.headSize), treeSize);
  const index = Number(leaf.idx);
  if (index >= size) throw badRequest(`${what} is leaf ${index}, past a tree of ${size} leaves`);
  const plan = inclusionPlan(index, size);
  const roots = rootPlan(size);
  const nodes = await readNodes(db, siteId, planNodes([...plan, roots]));
  return {
    siteId,
    applianceId: leaf.applianceId,
    seq: Number(leaf.seq),
    bundleHash: leaf.bundleHash,
    leafIndex: index,
    treeSize: size,
    root: assemble([roots], nodes)[0]!.toString("hex"),
    proof: assemble(plan, nodes).map((h) => h.toString("hex")),
  };
}

/** The consistency proof between two sizes of a site's log (size2: the current size unless given). */
export async function consistencyProof(
  db: Db | Tx,
  siteId: string,
  size1: number,
  size2?: number,
): Promise<ConsistencyProof> {
  const to = sizeFor(siteId, (await siteLogHead(db, siteId)).size, size2);
  if (size1 > to) throw badRequest(`first size ${size1} is larger than second size ${to}`);
  const plan = consistencyPlan(size1, to);
  const r1 = rootPlan(size1);
  const r2 = rootPlan(to);
  const nodes = await readNodes(db, siteId, planNodes([...plan, r1, r2]));
  const rootOf = (ids: NodeId[]) => assemble([ids], nodes)[0]!.toString("hex");
  return {
    siteId,
    size1,
    root1: rootOf(r1),
    size2: to,
    root2: rootOf(r2),
    proof: assemble(plan, nodes).map((h) => h.toString("hex")),
  };
}
