import type { Finding } from "./finding.ts";
import type { RemediationReceipt } from "./receipt.ts";

/** A finding restated as passing because a verified fix came after it, with that fix's receipt. */
export interface FixedFinding {
  finding: Finding;
  receipt: RemediationReceipt;
}

/** Whether a receipt proves its check passes again: fixed, verified, and the after-state passes. */
export const isVerifiedFix = (r: RemediationReceipt): boolean =>
  r.outcome === "fixed" && r.verify === "pass" && !r.dryRun && r.after?.status === "pass";

/**
 * Drift and its fix as one event: a failing finding followed (same check, same host) by a verified
 * fix is restated as passing at the fix's time, its receipt standing as the evidence. Reproducible
 * from stored evidence (findings and receipts are both in the chain); a later check result always
 * wins over an earlier receipt, so a fix that did not hold shows as failing again.
 */
export function restateFixed(
  findings: readonly Finding[],
  receipts: readonly RemediationReceipt[],
): { findings: Finding[]; fixed: FixedFinding[] } {
  const latestFix = new Map<string, RemediationReceipt>();
  for (const r of receipts) {
    if (!isVerifiedFix(r)) continue;
    const k = `${r.checkId}\u0000${r.host}`;
    const prev = latestFix.get(k);
    if (!prev || prev.finishedAt < r.finishedAt) latestFix.set(k, r);
  }
  const fixed: FixedFinding[] = [];
  const out = findings.map((f) => {
    const r = latestFix.get(`${f.checkId}\u0000${f.host}`);
    if (!r || f.status === "pass" || f.status === "unreachable" || r.finishedAt < f.observedAt) return f;
    const after = r.after!;
    const restated: Finding = {
      ...f,
      status: "pass",
      ...(after.actual !== undefined ? { actual: after.actual } : {}),
      observedAt: r.finishedAt,
    };
    fixed.push({ finding: f, receipt: r });
    return restated;
  });
  return { findings: out, fixed };
}

/** How long a verified fix stays listed as recently fixed once a later check result has confirmed it. */
export const RECENT_FIX_HOURS = 24;

/**
 * Whether a verified fix that came before the check's current result still holds: the check has
 * passed since (a fix that did not hold is not "recently fixed"). Fixes after the current result are
 * the ones restateFixed restates. Each side picks the last RECENT_FIX_HOURS of fixes by its own clock.
 */
export const fixHolds = (r: RemediationReceipt, current: Finding | undefined): boolean =>
  isVerifiedFix(r) && current?.status === "pass" && r.finishedAt <= current.observedAt;
