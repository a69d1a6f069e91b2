import { recordsOf } from "../../cloud/src/program/chain.ts";
import { isChainHeadLine } from "../../protocol/chain-heads.ts";
import type { EvidenceBundle } from "../../protocol/evidence.ts";
import { evaluateProgram, type ProgramEvaluation, replayProgram } from "../../protocol/program-state.ts";
import type { RemediationReceipt } from "../../protocol/receipt.ts";
import { restateFixed } from "../../protocol/restate.ts";
import { computeScore } from "../../protocol/score.ts";
import { applyStateBundle, type FindingState, stateKey, stateOf } from "../../protocol/state.ts";

/** The bundles of a chain export (one per line), without its chain-head lines. */
export function bundlesIn(jsonl: string): EvidenceBundle[] {
  return jsonl
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((x) => !isChainHeadLine(x)) as EvidenceBundle[];
}

/** A verified L1/L2 fix found in the evidence, with when its drift was first seen. */
export interface ObservedFix {
  receipt: RemediationReceipt;
  /** Sequence of the bundle holding the receipt (its portal page). */
  seq: number;
  applianceId: string;
  /** observedAt of the first failing finding of this check and host before the fix. */
  detectedAt: string | undefined;
  /** Milliseconds from detection to the verified fix. */
  detectToFixMs: number | undefined;
}

/**
 * Fixes in a chain export (one bundle per line) that verified, with their detection time from the
 * check-cycle findings before them: everything from signed evidence, nothing from the agent's logs.
 */
export function fixesIn(jsonl: string): ObservedFix[] {
  const bundles = bundlesIn(jsonl);
  // Per check and host: when the current failing streak began (undefined while passing).
  const streak = new Map<string, string | undefined>();
  const out: ObservedFix[] = [];
  for (const b of bundles) {
    for (const f of b.findings) {
      const key = `${f.checkId}|${f.host}`;
      if (f.status === "pass") streak.set(key, undefined);
      else if (!streak.get(key)) streak.set(key, f.observedAt);
    }
    for (const r of b.receipts) {
      if (r.outcome !== "fixed" || r.verify !== "pass") continue;
      const key = `${r.checkId}|${r.host}`;
      const detectedAt = streak.get(key);
      streak.set(key, undefined);
      out.push({
        receipt: r,
        seq: b.seq,
        applianceId: b.applianceId,
        detectedAt,
        detectToFixMs: detectedAt ? Date.parse(r.finishedAt) - Date.parse(detectedAt) : undefined,
      });
    }
  }
  return out;
}

/** The compliance score shown on a dashboard page, if any. */
export function scoreOnPage(html: string): number | undefined {
  const m = /data-testid="score"[^>]*>\s*(\d+(?:\.\d+)?)%/.exec(html);
  return m ? Number(m[1]) : undefined;
}

/** An incident in the dashboard's L3 queue (open, waiting for a person). */
export interface QueuedIncident {
  id: string;
  checkId: string;
  host: string;
}

/**
 * The rows of a page's table marked `data-testid`, each the text after `rowStart` (none when the
 * page shows its empty state instead).
 */
export function tableRowsOnPage(html: string, testid: string, rowStart: string): string[] {
  const start = html.indexOf(`data-testid="${testid}"`);
  if (start < 0) return [];
  return html.slice(start, html.indexOf("</table>", start)).split(rowStart).slice(1);
}

/** The incidents in the L3 queue of the dashboard's incidents page. */
export function l3QueueOnPage(html: string): QueuedIncident[] {
  return tableRowsOnPage(html, "l3-queue", "<tr ").flatMap((row) => {
    // The row's attributes name the check and the address; the text shows the host's name.
    const m = /^data-incident="([^"]+)" data-check="([^"]+)" data-host="([^"]+)"/.exec(row);
    return m ? [{ id: m[1] as string, checkId: m[2] as string, host: m[3] as string }] : [];
  });
}

/**
 * A site's compliance program judged now from its exported chain (the portal's program.jsonl), as
 * the cloud judges it (cloud/src/program/evaluate.ts) for a site whose evidence is kept `retentionDays`.
 */
export function programIn(jsonl: string, retentionDays: number, now = new Date()): ProgramEvaluation {
  const bodies = jsonl.split("\n").filter((l) => l && !isChainHeadLine(JSON.parse(l)));
  return evaluateProgram(replayProgram(recordsOf(bodies)), now, { retentionDays });
}

/**
 * The site's score after each bundle of one appliance's chain, computed as the pages compute it
 * (cloud/src/web/data/compliance.ts): the latest full check cycle (or the state replayed from v2
 * state bundles), verified fixes since then restated as passing, and the program's judgement.
 * Signed evidence only: anyone holding the export can recompute every figure.
 */
export function scoresAlong(
  bundles: readonly EvidenceBundle[],
  program?: ProgramEvaluation,
): (number | null)[] {
  let state: FindingState = new Map();
  const receipts: RemediationReceipt[] = [];
  return bundles.map((b) => {
    if (b.kind === "check-cycle") state = stateOf(b.findings);
    else applyStateBundle(state, b, false);
    receipts.push(...b.receipts);
    return computeScore(restateFixed([...state.values()], receipts).findings, program).score;
  });
}

/** The score just before a drift was signed, once its failing finding was, and after its verified fix. */
export interface ScoreMove {
  before: number | null;
  drifted: number | null;
  fixed: number | null;
}

/** How one verified fix's drift moved the score, from the chain holding both (undefined if it does not). */
export function scoreMove(
  bundles: readonly EvidenceBundle[],
  fix: ObservedFix,
  program?: ProgramEvaluation,
): ScoreMove | undefined {
  const key = stateKey(fix.receipt);
  const seen = bundles.findIndex((b) =>
    b.findings.some((f) => stateKey(f) === key && f.observedAt === fix.detectedAt),
  );
  const fixedAt = bundles.findIndex((b) => b.seq === fix.seq);
  if (seen < 1 || fixedAt < seen) return undefined;
  const scores = scoresAlong(bundles.slice(0, fixedAt + 1), program);
  return { before: scores[seen - 1]!, drifted: scores[seen]!, fixed: scores[fixedAt]! };
}
