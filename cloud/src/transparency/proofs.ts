import { sql } from "drizzle-orm";
import {
  assemble,
  consistencyPlan,
  EMPTY_ROOT,
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
import { badRequest, notFound } from "../http/errors.ts";
import { siteLogHead } from "./append.ts";

/** A site log's head as a proof reads it beside the nodes: size and root. */
interface HeadSeen {
  size: number;
  root: string;
}

/**
 * The stored hashes of perfect subtrees of a site's log, in one round trip: leaves (level 0) are
 * hashed from their bundle hash, interior nodes read as written at append. The ids travel as one
 * JSON parameter, so the statement's text never changes and Postgres plans it once per connection.
 */
export async function readNodes(db: Db | Tx, siteId: string, ids: NodeId[]): Promise<Map<string, Buffer>> {
  return (await readNodesAndHead(db, siteId, ids)).nodes;
}

/** readNodes, with the log's head (size and root) read in the same statement. */
async function readNodesAndHead(
  db: Db | Tx,
  siteId: string,
  ids: NodeId[],
): Promise<{ nodes: Map<string, Buffer>; head: HeadSeen }> {
  const inner = JSON.stringify(ids.filter((id) => id.level > 0).map((id) => [id.level, id.index]));
  const leaves = JSON.stringify(ids.filter((id) => id.level === 0).map((id) => id.index));
  // Level −1 is the head row: its size in idx, its root in hash.
  const rows = rowsOf<{ level: number | string; idx: number | string; hash: string }>(
    await db.execute(sql`SELECT -1 AS level, size AS idx, root AS hash FROM tlog_heads WHERE site_id = ${siteId}
      UNION ALL
      SELECT n.level, n.idx, n.hash FROM jsonb_array_elements(${inner}::text::jsonb) AS q
        JOIN tlog_nodes n ON n.site_id = ${siteId} AND n.level = (q->>0)::int AND n.idx = (q->>1)::bigint
      UNION ALL
      SELECT 0, l.idx, l.bundle_hash FROM jsonb_array_elements(${leaves}::text::jsonb) AS q
        JOIN tlog_leaves l ON l.site_id = ${siteId} AND l.idx = (q #>> '{}')::bigint`),
  );
  const nodes = new Map<string, Buffer>();
  let head: HeadSeen = { size: 0, root: EMPTY_ROOT.toString("hex") };
  for (const r of rows) {
    const level = Number(r.level);
    if (level < 0) {
      head = { size: Number(r.idx), root: r.hash };
      continue;
    }
    const bytes = Buffer.from(r.hash, "hex");
    nodes.set(nodeKey({ level, index: Number(r.idx) }), level === 0 ? leafHash(bytes) : bytes);
  }
  return { nodes, head };
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
  // The leaf and the log's head in one round trip (two statement texts in all, each planned once).
  const where =
    "bundleHash" in ref
      ? sql`l.site_id = ${siteId} AND l.bundle_hash = ${ref.bundleHash}`
      : sql`l.site_id = ${siteId} AND l.appliance_id = ${ref.applianceId} AND l.seq = ${ref.seq}`;
  const [leaf] = rowsOf<{
    idx: number | string;
    applianceId: string;
    seq: number | string;
    bundleHash: string;
    headSize: number | string;
    headRoot: string;
  }>(
    await db.execute(sql`SELECT l.idx, l.appliance_id AS "applianceId", l.seq, l.bundle_hash AS "bundleHash",
        h.size AS "headSize", h.root AS "headRoot"
      FROM tlog_leaves l JOIN tlog_heads h ON h.site_id = l.site_id WHERE ${where} LIMIT 1`),
  );
  const what = "bundleHash" in ref ? `bundle ${ref.bundleHash}` : `bundle #${ref.seq} of ${ref.applianceId}`;
  if (!leaf) throw notFound(`${what} is not in site ${siteId}'s log`);
  const headSize = Number(leaf.headSize);
  const size = sizeFor(siteId, headSize, treeSize);
  const index = Number(leaf.idx);
  if (index >= size) throw badRequest(`${what} is leaf ${index}, past a tree of ${size} leaves`);
  const plan = inclusionPlan(index, size);
  // At the head's size the root is the head's; an earlier size's root is folded from stored nodes.
  const roots = size === headSize ? null : rootPlan(size);
  const { nodes } = await readNodesAndHead(db, siteId, planNodes(roots ? [...plan, roots] : plan));
  return {
    siteId,
    applianceId: leaf.applianceId,
    seq: Number(leaf.seq),
    bundleHash: leaf.bundleHash,
    leafIndex: index,
    treeSize: size,
    root: roots ? assemble([roots], nodes)[0]!.toString("hex") : leaf.headRoot,
    proof: assemble(plan, nodes).map((h) => h.toString("hex")),
  };
}

/**
 * The consistency proof between two sizes of a site's log (size2: the current size unless given);
 * with size2 given, nodes and head are read in one round trip.
 */
export async function consistencyProof(
  db: Db | Tx,
  siteId: string,
  size1: number,
  size2?: number,
): Promise<ConsistencyProof> {
  const current = size2 === undefined ? await siteLogHead(db, siteId) : null;
  const to = size2 ?? current!.size;
  if (size1 > to) throw badRequest(`first size ${size1} is larger than second size ${to}`);
  const plan = consistencyPlan(size1, to);
  const r1 = rootPlan(size1);
  const r2 = current ? [] : rootPlan(to);
  const { nodes, head } = await readNodesAndHead(db, siteId, planNodes([...plan, r1, r2]));
  sizeFor(siteId, head.size, to);
  const rootOf = (ids: NodeId[]) => assemble([ids], nodes)[0]!.toString("hex");
  return {
    siteId,
    size1,
    root1: rootOf(r1),
    size2: to,
    // At the head's size the root is the head's (read beside the nodes).
    root2: current ? current.root : to === head.size ? head.root : rootOf(r2),
    proof: assemble(plan, nodes).map((h) => h.toString("hex")),
  };
}
