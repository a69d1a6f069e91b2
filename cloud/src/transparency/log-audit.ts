import { asc, eq, sql } from "drizzle-orm";
import { NoteError, openNote, parseCheckpoint } from "../../../protocol/checkpoint.ts";
import { Frontier, leafHash } from "../../../protocol/merkle.ts";
import type { Db } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { tlogCheckpoints } from "../db/schema/transparency.ts";
import type { CloudDeps } from "../deps.ts";
import { siteLogHead } from "./append.ts";
import { checkpointKey } from "./checkpoints.ts";

/** What can be wrong with a site's log. */
export type LogProblemKind =
  | "bad-checkpoint"
  | "leaf-mismatch"
  | "missing-leaf"
  | "root-mismatch"
  | "head-mismatch";

/** The verdict on a site's log: every leaf against the chain, every checkpoint's signature and root. */
export interface LogAudit {
  ok: boolean;
  /** Leaves read. */
  size: number;
  /** Checkpoints whose signature and root were checked. */
  checkpoints: number;
  problem?: { kind: LogProblemKind; message: string };
}

const PAGE = 20_000;

interface LeafRow {
  idx: number | string;
  bundleHash: string;
  applianceId: string;
  seq: number | string;
}

/** A run of one appliance's chain rows, by sequence number (inclusive). */
interface SeqRun {
  applianceId: string;
  lo: number;
  hi: number;
}

/** The leaves' (appliance, seq) as runs of consecutive sequence numbers. */
function seqRuns(leaves: readonly LeafRow[]): SeqRun[] {
  const byApp = new Map<string, number[]>();
  for (const l of leaves) {
    const seqs = byApp.get(l.applianceId) ?? [];
    seqs.push(Number(l.seq));
    byApp.set(l.applianceId, seqs);
  }
  const runs: SeqRun[] = [];
  for (const [applianceId, seqs] of byApp) {
    seqs.sort((a, b) => a - b);
    let lo = seqs[0]!;
    for (let i = 1; i <= seqs.length; i++) {
      if (i < seqs.length && seqs[i]! <= seqs[i - 1]! + 1) continue;
      runs.push({ applianceId, lo, hi: seqs[i - 1]! });
      lo = seqs[i]!;
    }
  }
  return runs;
}

/** The stored hash of chain row applianceId#seq, if the leaves' runs read it. */
type ChainHashOf = (applianceId: string, seq: number) => string | undefined;

/**
 * The stored hash of each chain row the leaves name. Read as ranges of the (appliance_id, seq) key,
 * one per run of consecutive sequence numbers, each as one string of 64-character hashes in
 * sequence order: a join probing every monthly partition once per leaf cost ~15 µs a leaf, and a
 * row per hash ~2 µs (bench/cloud-chain-audit.bench.ts). A run with a row missing or a hash of
 * another length is read row by row. (appliance, seq) is unique across partitions
 * (evidenceHighWater).
 */
async function chainHashes(db: Db, leaves: readonly LeafRow[]): Promise<ChainHashOf> {
  const dense = new Map<string, { lo: number; hi: number; hashes: string }[]>();
  const single = new Map<string, string>();
  const readRun = async (r: SeqRun) => {
    const [agg] = rowsOf<{ n: number | string; hashes: string | null }>(
      await db.execute(sql`SELECT count(*) AS n, string_agg(hash, '' ORDER BY seq) AS hashes
        FROM evidence_chain WHERE appliance_id = ${r.applianceId} AND seq BETWEEN ${r.lo} AND ${r.hi}`),
    );
    const n = r.hi - r.lo + 1;
    if (Number(agg?.n) === n && agg?.hashes?.length === 64 * n) {
      const runs = dense.get(r.applianceId) ?? [];
      runs.push({ lo: r.lo, hi: r.hi, hashes: agg.hashes });
      dense.set(r.applianceId, runs);
      return;
    }
    const rows = rowsOf<{ seq: number | string; hash: string }>(
      await db.execute(sql`SELECT seq, hash FROM evidence_chain
        WHERE appliance_id = ${r.applianceId} AND seq BETWEEN ${r.lo} AND ${r.hi}`),
    );
    for (const row of rows) single.set(`${r.applianceId}#${Number(row.seq)}`, row.hash);
  };
  const runs = seqRuns(leaves);
  // A few at a time: a page normally has one run per appliance, a doctored one may have thousands.
  for (let i = 0; i < runs.length; i += 8) await Promise.all(runs.slice(i, i + 8).map(readRun));
  return (applianceId, seq) => {
    for (const r of dense.get(applianceId) ?? []) {
      if (seq >= r.lo && seq <= r.hi) return r.hashes.slice(64 * (seq - r.lo), 64 * (seq - r.lo + 1));
    }
    return single.get(`${applianceId}#${seq}`);
  };
}

/**
 * Audit a site's transparency log by SHA-256 and reads only: each leaf must name a stored bundle
 * with exactly that hash, the tree recomputed from the leaves must reach every checkpoint's root at
 * its size, each checkpoint must carry a valid signature by the cloud's key over what it says, and
 * the head row must be the tree the leaves make. The first problem is named.
 */
export async function auditSiteLog(
  db: Db,
  deps: Pick<CloudDeps, "config" | "keys">,
  siteId: string,
): Promise<LogAudit> {
  const key = checkpointKey(deps, siteId);
  const cps = await db
    .select()
    .from(tlogCheckpoints)
    .where(eq(tlogCheckpoints.siteId, siteId))
    .orderBy(asc(tlogCheckpoints.size), asc(tlogCheckpoints.id));
  let size = 0;
  const fail = (kind: LogProblemKind, message: string): LogAudit => ({
    ok: false,
    size,
    checkpoints: cps.length,
    problem: { kind, message },
  });
  for (const cp of cps) {
    try {
      const said = parseCheckpoint(openNote(cp.note, [key]).body);
      if (said.origin !== key.name || said.size !== Number(cp.size) || said.root !== cp.root) {
        throw new NoteError(
          `its note says ${said.origin} ${said.size} ${said.root}, not what is stored beside it`,
        );
      }
    } catch (e) {
      return fail("bad-checkpoint", `checkpoint #${cp.id} (size ${cp.size}): ${(e as Error).message}`);
    }
  }
  const frontier = new Frontier();
  let next = 0;
  const rootsHold = (): LogAudit | null => {
    while (next < cps.length && Number(cps[next]!.size) === frontier.size) {
      const cp = cps[next++]!;
      const root = frontier.root().toString("hex");
      if (root !== cp.root) {
        return fail(
          "root-mismatch",
          `checkpoint #${cp.id} signs root ${cp.root} for ${cp.size} leaves, but the stored leaves make ${root}`,
        );
      }
    }
    return null;
  };
  // Pages of fixed statement text; the next page is read while this one is hashed.
  const pageFrom = (from: number) => {
    const page = db
      .execute(sql`SELECT idx, bundle_hash AS "bundleHash", appliance_id AS "applianceId", seq
        FROM tlog_leaves WHERE site_id = ${siteId} AND idx >= ${from} ORDER BY idx LIMIT ${PAGE}`)
      .then(async (r) => {
        const leaves = rowsOf<LeafRow>(r);
        return { leaves, chainHashOf: await chainHashes(db, leaves) };
      });
    page.catch(() => {}); // awaited below, unless an earlier problem ends the audit first
    return page;
  };
  let pending = pageFrom(0);
  for (;;) {
    const early = rootsHold();
    if (early) return early;
    const { leaves: rows, chainHashOf } = await pending;
    // Leaves are dense from 0, so a full page ends where the next one starts.
    if (rows.length === PAGE) pending = pageFrom(size + PAGE);
    for (const r of rows) {
      const what = `leaf ${size} (bundle #${r.seq} of ${r.applianceId})`;
      if (Number(r.idx) !== size)
        return fail("missing-leaf", `leaf ${size} is missing: the next stored leaf is ${r.idx}`);
      const chainHash = chainHashOf(r.applianceId, Number(r.seq));
      if (chainHash === undefined)
        return fail("leaf-mismatch", `${what} names a bundle the chain does not hold`);
      if (chainHash !== r.bundleHash) {
        return fail(
          "leaf-mismatch",
          `${what} is ${r.bundleHash}, but the stored bundle hashes to ${chainHash}`,
        );
      }
      frontier.push(leafHash(Buffer.from(r.bundleHash, "hex")));
      size++;
      const bad = rootsHold();
      if (bad) return bad;
    }
    if (rows.length < PAGE) break;
  }
  if (next < cps.length) {
    const cp = cps[next]!;
    return fail(
      "missing-leaf",
      `checkpoint #${cp.id} signs ${cp.size} leaves, but the log holds only ${size}`,
    );
  }
  const head = await siteLogHead(db, siteId);
  const root = frontier.root().toString("hex");
  if (head.size !== size || head.root !== root) {
    return fail(
      "head-mismatch",
      `the log head says ${head.size} leaves with root ${head.root}; the leaves make ${size} with ${root}`,
    );
  }
  return { ok: true, size, checkpoints: cps.length };
}
