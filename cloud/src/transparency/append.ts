import { eq } from "drizzle-orm";
import { EMPTY_ROOT, Frontier, leafHash } from "../../../protocol/merkle.ts";
import type { Db, Tx } from "../db/client.ts";
import { tlogHeads, tlogLeaves, tlogNodes } from "../db/schema/transparency.ts";

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
 * so an append costs O(batch + log n) whatever the log's size.
 */
export async function appendToSiteLog(tx: Db | Tx, siteId: string, entries: LogEntry[]): Promise<LogHead> {
  await tx
    .insert(tlogHeads)
    .values({ siteId, size: 0, root: EMPTY_ROOT.toString("hex"), frontier: [] })
    .onConflictDoNothing();
  const [head] = await tx.select().from(tlogHeads).where(eq(tlogHeads.siteId, siteId)).for("update");
  if (!head) throw new Error(`transparency log head of site ${siteId} vanished inside its transaction`);
  const frontier = new Frontier(
    Number(head.size),
    head.frontier.map((h) => Buffer.from(h, "hex")),
  );
  if (entries.length === 0) return { size: frontier.size, root: head.root };
  const nodes: (typeof tlogNodes.$inferInsert)[] = [];
  const leaves: (typeof tlogLeaves.$inferInsert)[] = [];
  for (const e of entries) {
    leaves.push({
      siteId,
      idx: frontier.size,
      bundleHash: e.bundleHash,
      applianceId: e.applianceId,
      seq: e.seq,
    });
    frontier.push(leafHash(Buffer.from(e.bundleHash, "hex")), (id, hash) =>
      nodes.push({ siteId, level: id.level, idx: id.index, hash: hash.toString("hex") }),
    );
  }
  // Chunked to stay within the bind-parameter limit of one statement.
  for (let i = 0; i < leaves.length; i += 1000) await tx.insert(tlogLeaves).values(leaves.slice(i, i + 1000));
  for (let i = 0; i < nodes.length; i += 1000) await tx.insert(tlogNodes).values(nodes.slice(i, i + 1000));
  const root = frontier.root().toString("hex");
  await tx
    .update(tlogHeads)
    .set({ size: frontier.size, root, frontier: frontier.hashes.map((h) => h.toString("hex")) })
    .where(eq(tlogHeads.siteId, siteId));
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
