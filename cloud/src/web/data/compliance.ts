/**
 * A site's compliance from its stored evidence: protocol's computeScore over the current findings
 * of each active appliance (evidence_latest, kept at ingest), with a pointer from every finding to
 * the bundle that holds it. No body is read for them, however long the chain.
 */
import { and, desc, eq, gt, gte, inArray, or, sql } from "drizzle-orm";
import { type EvidenceBundle, STATE_KINDS } from "../../../../protocol/evidence.ts";
import type { Finding } from "../../../../protocol/finding.ts";
import type { ProgramEvaluation } from "../../../../protocol/program-state.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import { fixHolds, RECENT_FIX_HOURS, restateFixed } from "../../../../protocol/restate.ts";
import { type ComplianceScore, computeScore } from "../../../../protocol/score.ts";
import type { Clock } from "../../clock.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import { type BodySource, bodyIndexColumns } from "../../evidence/bodies.ts";
import { applianceStateAt } from "../../evidence/state-at.ts";
import { dayKeys, windowStart } from "./days.ts";
import { type HostNames, hostNames } from "./host-names.ts";
import { latestStateRows } from "./state-findings.ts";

/** Where a finding was recorded: appliance and sequence number of its bundle. */
export interface BundleRef {
  applianceId: string;
  seq: number;
}

/**
 * A verified fix listed as recently fixed: one that came after the check's last result (the check
 * is restated as passing), or one of the last RECENT_FIX_HOURS whose check has passed since.
 */
export interface RecentFix {
  /** The check's failing finding the fix came after, or (fix confirmed since) its current one; and where. */
  finding: Finding & { bundle: BundleRef };
  receipt: RemediationReceipt;
  /** The remediation bundle holding the receipt. */
  receiptBundle: BundleRef;
}

/** A site's score plus the findings and bundles behind it. */
export interface SiteCompliance extends ComplianceScore {
  findings: Map<string, Finding & { bundle: BundleRef }>;
  /** Verified fixes after the last check result (and, for the pages, those of the last RECENT_FIX_HOURS still holding), newest first. */
  fixed: RecentFix[];
  /** Newest bundle considered (null when the site has no check results yet). */
  asOf: string | null;
}

/** What the pages show: the compliance and the names of the site's hosts. */
export interface PageCompliance extends SiteCompliance {
  /** Host address → name, so pages name computers rather than show addresses. */
  hostNames: HostNames;
}

/**
 * A site's compliance for the pages: with its host names, and with the verified fixes of the last
 * RECENT_FIX_HOURS (by the cloud's clock) still listed while their checks pass (other callers need
 * neither).
 */
export async function pageCompliance(
  src: BodySource & { clock: Clock },
  siteId: string,
  program?: ProgramEvaluation,
): Promise<PageCompliance> {
  const fixesSince = new Date(src.clock.now().getTime() - RECENT_FIX_HOURS * 3_600_000);
  const [c, names] = await Promise.all([
    siteCompliance(src, siteId, program, fixesSince),
    hostNames(src.db, siteId),
  ]);
  return { ...c, hostNames: names };
}

/** Key of a finding as computeScore groups them. */
export const findingKey = (checkId: string, host: string) => `${checkId}\u0000${host}`;

function collect(rows: { applianceId: string; seq: number; findings: Finding[] }[]) {
  const all: (Finding & { bundle: BundleRef })[] = [];
  for (const r of rows) {
    for (const f of r.findings) {
      all.push({ ...f, bundle: { applianceId: r.applianceId, seq: Number(r.seq) } });
    }
  }
  return all;
}

/** The findings of the given bundles: rows fetched by primary key (appliance, seq), bodies read through the reader. */
async function findingsOfBundles({ db, bodies }: BodySource, refs: { applianceId: string; seq: number }[]) {
  if (refs.length === 0) return [];
  const byApp = new Map<string, number[]>();
  for (const r of refs) byApp.set(r.applianceId, [...(byApp.get(r.applianceId) ?? []), Number(r.seq)]);
  const rows = await db
    .select({
      ...bodyIndexColumns,
      siteId: evidenceChain.siteId,
      createdAt: evidenceChain.createdAt,
      day: dayOf,
    })
    .from(evidenceChain)
    .where(
      or(
        ...[...byApp].map(([a, seqs]) =>
          and(eq(evidenceChain.applianceId, a), inArray(evidenceChain.seq, seqs)),
        ),
      ),
    );
  const texts = await bodies.texts(rows);
  return rows.map(({ body: _body, hash: _hash, objectKey: _key, ...r }, i) => ({
    ...r,
    seq: Number(r.seq),
    findings: (JSON.parse(texts[i]!) as EvidenceBundle).findings,
  }));
}

const dayOf = sql<string>`to_char(${evidenceChain.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

/**
 * Current findings of every active appliance of the given sites (evidence_latest: the latest full
 * cycle, or the change-based state after it), and the receipts of fixes recorded since (and, with
 * `fixesSince`, those recorded from then on).
 */
async function latestCycles(src: BodySource, siteIds: string[], fixesSince?: Date) {
  if (siteIds.length === 0) return { rows: [], receipts: [] };
  const rows = await latestStateRows(src, siteIds);
  const receipts = await receiptsOf(
    src,
    siteIds,
    rows.map((r) => ({ applianceId: r.applianceId, seq: Number(r.seq) })),
    fixesSince,
  );
  return { rows, receipts };
}

/**
 * Receipts in remediation bundles recorded after each appliance's latest check cycle (the fixes
 * the next cycle has not yet confirmed) and, with `since`, the sites' ones created from then on.
 * Remediation bundles are few (one per fix), so their bodies are cheap to read.
 */
async function receiptsOf(
  { db, bodies }: BodySource,
  siteIds: string[],
  refs: { applianceId: string; seq: number }[],
  since?: Date,
) {
  if (!since && refs.length === 0) return [];
  const rows = await db
    .select({ ...bodyIndexColumns, siteId: evidenceChain.siteId })
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.kind, "remediation"),
        or(
          since
            ? and(inArray(evidenceChain.siteId, siteIds), gte(evidenceChain.createdAt, since))
            : undefined,
          ...refs.map((r) => and(eq(evidenceChain.applianceId, r.applianceId), gt(evidenceChain.seq, r.seq))),
        ),
      ),
    );
  const texts = await bodies.texts(rows);
  return rows.flatMap((r, i) =>
    (JSON.parse(texts[i]!) as EvidenceBundle).receipts.map((receipt: RemediationReceipt) => ({
      siteId: r.siteId,
      receipt,
      bundle: { applianceId: r.applianceId, seq: Number(r.seq) },
    })),
  );
}

/**
 * Compliance of one site: its checks' latest findings, with verified fixes since restated as
 * passing, and, when given, its program's judgement. With `fixesSince`, the verified fixes from then
 * on that later results confirmed are listed too, while their checks pass.
 */
export async function siteCompliance(
  src: BodySource,
  siteId: string,
  program?: ProgramEvaluation,
  fixesSince?: Date,
): Promise<SiteCompliance> {
  const { rows, receipts } = await latestCycles(src, [siteId], fixesSince);
  const measured = collect(rows);
  const restated = restateFixed(
    measured,
    receipts.map((r) => r.receipt),
  );
  const bundleOf = new Map(receipts.map((r) => [r.receipt.id, r.bundle]));
  // restateFixed keeps order and length, so the bundle pointer of each finding carries over.
  const all = restated.findings.map((f, i) => ({ ...f, bundle: measured[i]!.bundle }));
  const score = computeScore(all, program);
  const findings = new Map<string, Finding & { bundle: BundleRef }>();
  for (const f of all) {
    const k = findingKey(f.checkId, f.host);
    const prev = findings.get(k);
    if (!prev || prev.observedAt <= f.observedAt) findings.set(k, f);
  }
  const fixed: RecentFix[] = restated.fixed.map((x) => ({
    finding: x.finding as Finding & { bundle: BundleRef },
    receipt: x.receipt,
    receiptBundle: bundleOf.get(x.receipt.id)!,
  }));
  // Fixes since `fixesSince` that a later check result confirmed stay listed while the check passes:
  // a fix that did not hold is not "recently fixed".
  const listed = new Set(fixed.map((f) => f.receipt.id));
  for (const { receipt, bundle } of receipts) {
    const now = findings.get(findingKey(receipt.checkId, receipt.host));
    if (listed.has(receipt.id) || !fixHolds(receipt, now)) continue;
    listed.add(receipt.id);
    fixed.push({ finding: now!, receipt, receiptBundle: bundle });
  }
  fixed.sort((a, b) => b.receipt.finishedAt.localeCompare(a.receipt.finishedAt));
  const asOf = rows.reduce<Date | null>((m, r) => (!m || r.createdAt > m ? r.createdAt : m), null);
  return { ...score, findings, fixed, asOf: asOf?.toISOString() ?? null };
}

/** Score of many sites at once (sites list): one query for all their latest cycles, with their programs. */
export async function siteScores(
  src: BodySource,
  siteIds: string[],
  programs: ReadonlyMap<string, ProgramEvaluation> = new Map(),
): Promise<Map<string, ComplianceScore>> {
  const { rows, receipts } = await latestCycles(src, siteIds);
  const bySite = new Map<string, Finding[]>();
  for (const r of rows) {
    const list = bySite.get(r.siteId) ?? [];
    list.push(...r.findings);
    bySite.set(r.siteId, list);
  }
  const fixesOf = (id: string) => receipts.filter((r) => r.siteId === id).map((r) => r.receipt);
  return new Map(
    siteIds.map((id) => [
      id,
      computeScore(restateFixed(bySite.get(id) ?? [], fixesOf(id)).findings, programs.get(id)),
    ]),
  );
}

/** One day of the score history. */
export interface DayScore {
  day: string;
  score: number | null;
}

/**
 * Score per UTC day over the last `days` days: each day scores the last check-cycle bundle of
 * each appliance that day (an appliance signing change-based evidence: its state at the day's end), with the program as its records stood at the end of that day. Days without any bundle are null (a gap in the chart, not a zero).
 */
export async function scoreHistory(
  src: BodySource,
  siteId: string,
  days: number,
  now: Date,
  programOn?: (day: Date) => ProgramEvaluation,
): Promise<DayScore[]> {
  const start = windowStart(now, days);
  const refs = await src.db
    .selectDistinctOn([evidenceChain.applianceId, dayOf], {
      applianceId: evidenceChain.applianceId,
      seq: evidenceChain.seq,
    })
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.siteId, siteId),
        eq(evidenceChain.kind, "check-cycle"),
        gte(evidenceChain.createdAt, start),
      ),
    )
    .orderBy(evidenceChain.applianceId, dayOf, desc(evidenceChain.seq));
  const rows = await findingsOfBundles(src, refs);
  const byDay = new Map<string, Finding[]>();
  for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), ...r.findings]);
  // Change-based evidence (v2): each day an appliance signed state bundles counts its complete
  // state as it stood at the end of that day (or now, today), rebuilt from snapshot + changes.
  const stateDays = await src.db
    .selectDistinct({ applianceId: evidenceChain.applianceId, day: dayOf })
    .from(evidenceChain)
    .where(
      and(
        eq(evidenceChain.siteId, siteId),
        inArray(evidenceChain.kind, [...STATE_KINDS]),
        gte(evidenceChain.createdAt, start),
      ),
    );
  for (const { applianceId, day } of stateDays) {
    const end = Math.min(Date.parse(`${day}T23:59:59.999Z`), now.getTime());
    const at = await applianceStateAt(src, applianceId, new Date(end).toISOString());
    if (at) byDay.set(day, [...(byDay.get(day) ?? []), ...at.state.values()]);
  }
  return dayKeys(now, days).map((d) => {
    const fs = byDay.get(d);
    return { day: d, score: fs ? computeScore(fs, programOn?.(new Date(`${d}T00:00:00Z`))).score : null };
  });
}
