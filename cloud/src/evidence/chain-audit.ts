import type { ChainBreak, ChainStarts } from "../../../protocol/chain.ts";
import { GENESIS_HASH } from "../../../protocol/evidence.ts";
import { floorStarts, type RetentionFloor } from "../../../protocol/retention-floor.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { ServiceCall, ServiceContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { auditSiteLog, type LogAudit } from "../transparency/log-audit.ts";
import { type AuditWindow, auditWindows, readWindow } from "./audit-windows.ts";
import type { EvidenceBodies } from "./bodies.ts";
import {
  emptyWalk,
  type OutsideAnswers,
  ownEntry,
  type SignatureScope,
  type WalkResult,
} from "./chain-walk.ts";
import { siteRetentionFloors } from "./retention-floors.ts";
import { siteChainPages } from "./site-chain.ts";
import { siteKeyRows } from "./site-keys.ts";
import { verifiedRanges } from "./verified-records.ts";
import { sharedVerifyPool, type VerifyPool } from "./verify-pool.ts";

/** Which signatures an audit verifies itself: every one, or as the README's "Chain audit" says. */
export type SignatureMode = "heads" | "all";

/** What an audit covered: every bundle's shape, sequence and link always; signatures as counted here. */
export interface AuditCoverage {
  /** "all" when every signature was verified by this audit (asked for, or needed to settle a doubt). */
  signatures: SignatureMode;
  /** Signatures this audit verified with node:crypto. */
  verifiedNow: number;
  /** Signatures verified with node:crypto at ingest, vouched for by cloud-signed records, not verified again. */
  verifiedAtIngest: number;
}

/**
 * The verdict on a site's stored chain: ok with heads, or the first break, and what was checked;
 * `log` is the verdict on the site's transparency log (its leaves, checkpoints and roots).
 */
export type SiteAudit = SiteChainVerdict & { log: LogAudit };

/** The chain part of a site audit. */
type SiteChainVerdict =
  | {
      siteId: string;
      ok: true;
      count: number;
      heads: ChainStarts;
      /** Appliances whose chain starts at a retention floor, as the export carries them (none: absent). */
      floors?: RetentionFloor[];
      coverage: AuditCoverage;
    }
  | { siteId: string; ok: false; count: number; break: Omit<ChainBreak, "ok">; coverage: AuditCoverage };

/** Stored bundles per page read in export order, and per window of the parallel pass. */
const PAGE = 4000;
/** A page is split over the workers only when each part gets at least this many bundles. */
const MIN_PART = 500;

/**
 * Take one chain verification from the caller's budget (per token), or refuse it: an audit is
 * CPU-heavy (worker threads), so the endpoint and the MCP tool that run it share this budget.
 */
export async function enforceVerifyBudget(ctx: ServiceContext): Promise<void> {
  const who = ctx.actor.type === "admin" ? ctx.actor.tokenId : "other";
  await enforce(ctx.db, ctx.clock, `verify:${who}`, ctx.config.rateLimits.chainVerify, "chain verifications");
}

/**
 * Audit a site's stored chain from genesis, or from an appliance's retention floor once months past
 * the retention were dropped (retention-floors.ts), giving the verdict `malachor evidence verify`
 * gives for the site's export (same break, index, kind and message, the same floors). Every bundle's shape, sequence number and
 * hash link are checked, in worker threads (bodies read through the body reader; on Postgres in
 * windows read in parallel). With `signatures: "all"` every signature is verified too. By default a
 * signature is verified when no cloud-signed ingest record vouches for it, and for each appliance's
 * head; a record vouches only once the walk reaches the hash it names. Anything short of a clean
 * pass is walked again page by page in export order, and a default pass that is not clean is
 * settled by verifying every signature, so the verdict is always the CLI's.
 */
export async function auditSiteChain({
  ctx,
  input,
  pool = sharedVerifyPool(),
  pageSize = PAGE,
}: ServiceCall<{ siteId: string; signatures?: SignatureMode }> & {
  pool?: VerifyPool;
  /** Bundles per page and window (tests make it small to cross their boundaries). */
  pageSize?: number;
}): Promise<SiteAudit> {
  assertSiteRole(ctx.actor, "read-only", input.siteId);
  // The log's audit reads other tables and does not depend on the chain's: it runs meanwhile.
  const log = auditSiteLog(ctx.db, ctx, input.siteId);
  log.catch(() => {}); // awaited with the verdict; a chain pass that throws first must not leave it unhandled
  const floors = await siteRetentionFloors(ctx.db, input.siteId);
  const site: SiteRef = {
    floors,
    starts: floorStarts(floors),
    db: ctx.db,
    bodies: ctx.bodies,
    siteId: input.siteId,
    pool,
    pageSize,
    keys: (await siteKeyRows(ctx.db, input.siteId)).map((k) => k.publicKey),
  };
  // Postgres serves windows in parallel; PGlite (one connection) reads in export order alone.
  let windowed = ctx.dbKind === "postgres";
  const pass = async (scope: SignatureScope): Promise<Pass> => {
    if (windowed) {
      const fast = await walkWindows(site, scope).catch((e: unknown) => {
        // A window that cannot be read leaves the audit to the exact pass, in order.
        ctx.logger.warn("chain audit: a window of the chain could not be read; reading it in order", {
          siteId: input.siteId,
          error: e instanceof Error ? e.message : String(e),
        });
        return { outcome: "doubt" } as const;
      });
      if (fast.outcome !== "doubt") return fast;
      windowed = false; // a doubt is settled in export order from here on
    }
    return walkPages(site, scope);
  };
  if (input.signatures !== "all") {
    const vouched = await verifiedRanges(ctx.db, input.siteId, ctx.keys);
    for (;;) {
      const p = await pass({ all: false, vouched });
      if (p.outcome === "record-mismatch") {
        // A record names a hash this chain does not reach: it vouches for nothing here.
        delete vouched[p.applianceId];
        continue;
      }
      if (p.outcome === "settled") return { ...verdict(site, p, "heads"), log: await log };
      break;
    }
  }
  const p = await pass({ all: true });
  if (p.outcome !== "settled") throw new Error(`chain audit: a full pass cannot end in ${p.outcome}`);
  return { ...verdict(site, p, "all"), log: await log };
}

interface SiteRef {
  /** Retention floors, and the starts they give: every walk begins each floored appliance there. */
  floors: RetentionFloor[];
  starts: ChainStarts;
  db: Db;
  bodies: EvidenceBodies;
  siteId: string;
  pool: VerifyPool;
  pageSize: number;
  keys: string[];
}

interface Settled {
  outcome: "settled";
  result: { ok: true; count: number; heads: ChainStarts } | { ok: false; count: number; break: ChainBreak };
  verifiedNow: number;
  verifiedAtIngest: number;
}
type Pass = Settled | { outcome: "record-mismatch"; applianceId: string } | { outcome: "doubt" };

function verdict({ siteId, floors }: SiteRef, p: Settled, signatures: SignatureMode): SiteChainVerdict {
  const coverage = { signatures, verifiedNow: p.verifiedNow, verifiedAtIngest: p.verifiedAtIngest };
  if (p.result.ok) {
    const { count, heads } = p.result;
    return { siteId, ok: true, count, heads, ...(floors.length > 0 ? { floors } : {}), coverage };
  }
  const { ok: _ok, ...brk } = p.result.break;
  return { siteId, ok: false, count: p.result.count, break: brk, coverage };
}

/** Whether every start a part claims is where the chain before it really ended. */
function claimsHold(heads: ChainStarts, claimed: ChainStarts): boolean {
  return Object.entries(claimed).every(([app, claim]) => {
    const real = ownEntry(heads, app) ?? { seq: 0, hash: GENESIS_HASH };
    return real.seq === claim.seq && real.hash === claim.hash;
  });
}

/**
 * What clean walks, taken in export order, add up to: heads, signatures verified and vouched for,
 * and whether the records relied on were borne out.
 */
class Tally {
  heads: ChainStarts = {};
  verifiedNow = 0;
  verifiedAtIngest = 0;
  // Appliances with a skipped signature whose record the walk has not yet borne out.
  private readonly unconfirmed = new Set<string>();
  private nonCanonical = false;

  constructor(private readonly scope: SignatureScope) {}

  /** Add a clean walk; answers the appliance whose record names another hash, if any. */
  add(r: WalkResult & { result: { ok: true } }): string | null {
    this.heads = { ...this.heads, ...r.result.heads };
    this.verifiedNow += r.checked;
    this.verifiedAtIngest += r.vouched;
    if (this.scope.all) return null;
    for (const app of r.skipped) this.unconfirmed.add(app);
    for (const [app, hash] of Object.entries(r.reached)) {
      if (hash !== ownEntry(this.scope.vouched, app)?.throughHash) return app;
      this.unconfirmed.delete(app);
    }
    this.nonCanonical ||= r.nonCanonical;
    return null;
  }

  /** A skipped signature not yet borne out by its record, or a verified one read from a non-canonical text. */
  get doubtful(): boolean {
    return this.unconfirmed.size > 0 || this.nonCanonical;
  }
}

/** A window read through the body reader, walked by a worker from the starts its bundles claim. */
async function walkWindow(site: SiteRef, window: AuditWindow, scope: SignatureScope) {
  const bodies = await readWindow(site, site.siteId, window);
  const walk = await site.pool.walk({
    bodies,
    keys: site.keys,
    scope,
    indexOffset: 0,
    starts: {},
    claim: true,
  });
  return { rows: bodies.length, walk };
}

/**
 * The fast pass (Postgres): windows of the chain read in parallel and each walked by a worker from
 * the starts its bundles claim; the claims are checked here in export order. Only a clean pass with
 * every claim true settles anything; all else is "doubt", for the exact walk.
 */
async function walkWindows(site: SiteRef, scope: SignatureScope): Promise<Pass> {
  const { windows, rows } = await auditWindows(site.db, site.siteId, site.pageSize);
  const tally = new Tally(scope);
  const inFlight: ReturnType<typeof walkWindow>[] = [];
  let next = 0;
  const launch = () => {
    while (inFlight.length < 2 * site.pool.size && next < windows.length) {
      const job = walkWindow(site, windows[next++]!, scope);
      job.catch(() => {}); // awaited in order below; one given up on must not go unhandled
      inFlight.push(job);
    }
  };
  let seen = 0;
  launch();
  while (inFlight.length > 0) {
    const { rows: n, walk } = await inFlight.shift()!;
    launch();
    if (!walk.result.ok || !claimsHold({ ...site.starts, ...tally.heads }, walk.claimed))
      return { outcome: "doubt" };
    const mismatch = tally.add(walk as WalkResult & { result: { ok: true } });
    if (mismatch) return { outcome: "record-mismatch", applianceId: mismatch };
    seen += n;
  }
  // Rows that moved between the plan and the reads, or a record not borne out: walk it exactly.
  if (seen !== rows || tally.doubtful) return { outcome: "doubt" };
  const { heads, verifiedNow, verifiedAtIngest } = tally;
  return { outcome: "settled", result: { ok: true, count: rows, heads }, verifiedNow, verifiedAtIngest };
}

/**
 * The exact pass: the export page by page, in order (the next page is read while the workers walk
 * the current one), every break settled as the CLI names it. With records in scope, ends in
 * "doubt" when the default pass cannot stand alone.
 */
async function walkPages(site: SiteRef, scope: SignatureScope): Promise<Pass> {
  const pages = siteChainPages(site, site.siteId, site.pageSize);
  let next = pages.next();
  const tally = new Tally(scope);
  let offset = 0;
  try {
    for (;;) {
      const current = await next;
      if (current.done) break;
      const bodies = current.value.map((row) => row.body);
      next = pages.next();
      const page = {
        bodies,
        keys: site.keys,
        starts: { ...site.starts, ...tally.heads },
        indexOffset: offset,
      };
      let r = await walkPage(site.pool, { ...page, scope });
      if (!r.result.ok && !scope.all) {
        if (tally.doubtful) return { outcome: "doubt" };
        // Settle this page's break exactly: every signature of the page verified.
        r = await walkPage(site.pool, { ...page, scope: { all: true } });
        if (r.result.ok) return { outcome: "doubt" };
      }
      if (!r.result.ok) {
        const settled = await settleBreak(site, page, r);
        return {
          outcome: "settled",
          result: { ok: false, count: settled.index, break: settled },
          verifiedNow: tally.verifiedNow + r.checked,
          verifiedAtIngest: tally.verifiedAtIngest + r.vouched,
        };
      }
      const mismatch = tally.add(r as WalkResult & { result: { ok: true } });
      if (mismatch) return { outcome: "record-mismatch", applianceId: mismatch };
      offset += bodies.length;
    }
  } finally {
    await next;
    await pages.return(undefined);
  }
  if (tally.doubtful) return { outcome: "doubt" };
  const { heads, verifiedNow, verifiedAtIngest } = tally;
  return { outcome: "settled", result: { ok: true, count: offset, heads }, verifiedNow, verifiedAtIngest };
}

type PageRequest = {
  bodies: string[];
  keys: string[];
  starts: ChainStarts;
  indexOffset: number;
  scope: SignatureScope;
};

/**
 * Walk a page, split over the workers: every part but the first continues from what its bundles
 * claim, and the claims are then checked against where the parts before really ended. Anything
 * short of a clean pass with true claims is walked again in one piece, which is exact.
 */
async function walkPage(pool: VerifyPool, req: PageRequest): Promise<WalkResult> {
  const parts = Math.min(pool.size, Math.floor(req.bodies.length / MIN_PART));
  if (parts > 1) {
    const size = Math.ceil(req.bodies.length / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, i) =>
        pool.walk({
          ...req,
          bodies: req.bodies.slice(i * size, (i + 1) * size),
          indexOffset: req.indexOffset + i * size,
          claim: i > 0,
        }),
      ),
    );
    const merged = mergeParts(req.starts, results);
    if (merged) return merged;
  }
  return pool.walk(req);
}

/** The parts' results as one, or null when a part broke or claimed a start the parts before did not end at. */
function mergeParts(starts: ChainStarts, results: WalkResult[]): WalkResult | null {
  let heads: ChainStarts = {};
  const skipped = new Set<string>();
  const merged = emptyWalk();
  let count = 0;
  for (const r of results) {
    if (!r.result.ok || !claimsHold({ ...starts, ...heads }, r.claimed)) return null;
    heads = { ...heads, ...r.result.heads };
    count += r.result.count;
    merged.checked += r.checked;
    merged.vouched += r.vouched;
    for (const app of r.skipped) skipped.add(app);
    Object.assign(merged.reached, r.reached);
    merged.nonCanonical ||= r.nonCanonical;
  }
  merged.skipped = [...skipped];
  merged.result = { ok: true, count, heads };
  return merged;
}

/**
 * A page's break, exact: when the walk had to ask about the rest of the export (is this bundle a
 * repeat of one on an earlier page, does the missing one come later), find the answers and walk the
 * page again with them.
 */
async function settleBreak(
  site: SiteRef,
  page: { bodies: string[]; starts: ChainStarts; indexOffset: number },
  r: WalkResult,
): Promise<ChainBreak> {
  let result = r.result;
  const { earlier, later } = r.questions;
  if (earlier.length + later.length > 0) {
    const answers = await findOutside(
      site,
      earlier,
      later,
      page.indexOffset,
      page.indexOffset + page.bodies.length,
    );
    result = (await site.pool.walk({ ...page, keys: site.keys, scope: { all: true }, answers })).result;
  }
  if (result.ok) throw new Error("chain audit: a page that broke walked clean with answers about the rest");
  return result;
}

/** Answers about the export outside [from, to): hashes of earlier bundles, positions present later. */
async function findOutside(
  site: SiteRef,
  earlier: string[],
  later: string[],
  from: number,
  to: number,
): Promise<OutsideAnswers> {
  const answers: OutsideAnswers = {
    earlier: Object.fromEntries(earlier.map((k) => [k, null])),
    later: Object.fromEntries(later.map((k) => [k, false])),
  };
  let at = 0;
  for await (const rows of siteChainPages(site, site.siteId, site.pageSize)) {
    const bodies = rows.map((row) => row.body);
    const before = bodies.slice(0, Math.max(0, from - at));
    const after = bodies.slice(Math.max(0, to - at));
    at += bodies.length;
    if (earlier.length > 0 && before.length > 0) {
      Object.assign(answers.earlier, (await site.pool.find({ bodies: before, earlier, later: [] })).earlier);
    }
    if (later.length > 0 && after.length > 0) {
      for (const k of (await site.pool.find({ bodies: after, earlier: [], later })).later)
        answers.later[k] = true;
    }
  }
  return answers;
}
