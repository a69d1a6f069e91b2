import { eq, sql } from "drizzle-orm";
import { EMPTY_ROOT, Frontier, leafHash } from "../../../protocol/merkle.ts";
import type { Db, Tx } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { tlogHeads } from "../db/schema/transparency.ts";

/** A bundle entering its site's log: its chain hash is the leaf data. */
export interface LogEntry {
  applianceId: string;
  seq: number;
  bundleHash: string;
}

/** A site log's head after an append. */
export interface LogHead {
  size: number;
  root: string;
}

/**
 * Append bundles to their site's RFC 6962 log inside the caller's transaction: the head row is
 * locked (appends to one site are serialised across instances), the new leaves pushed onto the
 * stored right edge, and the interior nodes they complete written once. Old nodes are never read,
 * so an append costs O(batch + log n) whatever the log's size, and it holds the site's lock for two
 * statements of fixed text (one to lock and read the head, one to write leaves, nodes and head),
 * whatever the batch's size, until the caller commits.
 */
export async function appendToSiteLog(tx: Db | Tx, siteId: string, entries: LogEntry[]): Promise<LogHead> {
  // Created if missing and locked in one statement: the no-op update takes the row lock and returns
  // the head as the last commit left it.
  const [head] = rowsOf<{ size: number | string; root: string; frontier: string[] | string }>(
    await tx.execute(sql`INSERT INTO tlog_heads (site_id, size, root, frontier)
      VALUES (${siteId}, 0, ${EMPTY_ROOT.toString("hex")}, '[]'::jsonb)
      ON CONFLICT (site_id) DO UPDATE SET size = tlog_heads.size
      RETURNING size, root, frontier`),
  );
  if (!head) throw new Error(`transparency log head of site ${siteId} could not be locked`);
  // Bun.SQL hands jsonb back parsed; PGlite through db.execute as well, but be sure.
  const edge = typeof head.frontier === "string" ? (JSON.parse(head.frontier) as string[]) : head.frontier;
  const frontier = new Frontier(
    Number(head.size),
    edge.map((h) => Buffer.from(h, "hex")),
  );
  if (entries.length === 0) return { size: frontier.size, root: head.root };
  const leaves: [number, string, string, number][] = [];
  const nodes: [number, number, string][] = [];
  for (const e of entries) {
    leaves.push([frontier.size, e.bundleHash, e.applianceId, e.seq]);
    frontier.push(leafHash(Buffer.from(e.bundleHash, "hex")), (id, hash) =>
      nodes.push([id.level, id.index, hash.toString("hex")]),
    );
  }
  const root = frontier.root().toString("hex");
  // Leaves, nodes and head travel as JSON (one bind parameter each), so the statement's text is the
  // same for every batch and no batch meets the bind-parameter limit.
  await tx.execute(sql`WITH
    leaves AS (INSERT INTO tlog_leaves (site_id, idx, bundle_hash, appliance_id, seq)
      SELECT ${siteId}, (l->>0)::bigint, l->>1, l->>2, (l->>3)::bigint
      FROM jsonb_array_elements(${JSON.stringify(leaves)}::text::jsonb) AS l),
    nodes AS (INSERT INTO tlog_nodes (site_id, level, idx, hash)
      SELECT ${siteId}, (n->>0)::int, (n->>1)::bigint, n->>2
      FROM jsonb_array_elements(${JSON.stringify(nodes)}::text::jsonb) AS n)
    UPDATE tlog_heads SET size = ${frontier.size}, root = ${root},
      frontier = ${JSON.stringify(frontier.hashes.map((h) => h.toString("hex")))}::text::jsonb
    WHERE site_id = ${siteId}`);
  return { size: frontier.size, root };
}

/** A site log's current head (size 0 and the empty root before its first bundle). */
export async function siteLogHead(db: Db | Tx, siteId: string): Promise<LogHead> {
  const [head] = await db
    .select({ size: tlogHeads.size, root: tlogHeads.root })
    .from(tlogHeads)
    .where(eq(tlogHeads.siteId, siteId));
  return head ? { size: Number(head.size), root: head.root } : { size: 0, root: EMPTY_ROOT.toString("hex") };
}
