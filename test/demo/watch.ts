import { isChainHeadLine } from "../../protocol/chain-heads.ts";
import type { EvidenceBundle } from "../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../protocol/receipt.ts";

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
  const bundles = jsonl
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((x) => !isChainHeadLine(x)) as EvidenceBundle[];
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

/** The incidents in the L3 queue of the dashboard's incidents page. */
export function l3QueueOnPage(html: string): QueuedIncident[] {
  const start = html.indexOf('data-testid="l3-queue"');
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf("</table>", start));
  return table
    .split('<tr data-incident="')
    .slice(1)
    .flatMap((row) => {
      const id = row.slice(0, row.indexOf('"'));
      const m = /<span class="mono">([^<]+)<\/span>\s*on\s*<span class="mono">([^<]+)<\/span>/.exec(row);
      return m ? [{ id, checkId: m[1] as string, host: m[2] as string }] : [];
    });
}
