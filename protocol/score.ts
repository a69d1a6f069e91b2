import * as v from "valibot";
import { CheckStatus, HostName, NonNegInt, Slug, Timestamp } from "./common.ts";
import type { Finding } from "./finding.ts";
import { HIPAA_CONTROLS, HipaaControl } from "./hipaa.ts";

/** A control's status: the worst of the latest findings citing it; "unassessed" when none do. */
export const ControlStatus = v.picklist(["pass", "warn", "fail", "unknown", "unassessed"]);
export type ControlStatus = v.InferOutput<typeof ControlStatus>;

export const ControlScore = v.strictObject({
  control: HipaaControl,
  status: ControlStatus,
  /** The latest findings behind the status (check id + host), worst first. */
  evidence: v.array(
    v.strictObject({ checkId: Slug, host: HostName, status: CheckStatus, observedAt: Timestamp }),
  ),
});
export type ControlScore = v.InferOutput<typeof ControlScore>;

export const ComplianceScore = v.strictObject({
  /** 0–100: pass = 1, warn = ½, fail and unknown (check errored) = 0, over assessed controls; null if none. */
  score: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  assessed: NonNegInt,
  controls: v.array(ControlScore),
});
export type ComplianceScore = v.InferOutput<typeof ComplianceScore>;

const rank: Record<CheckStatus, number> = { fail: 3, error: 2, warn: 1, pass: 0, unreachable: -1 };

/**
 * Compute a site's compliance score from the latest finding per (check, host). Reproducible:
 * the same findings always give the same score, so an auditor can recompute it from evidence.
 */
export function computeScore(findings: readonly Finding[]): ComplianceScore {
  const latest = new Map<string, Finding>();
  for (const f of findings) {
    // A host that is allowed to be off says nothing about its controls: its last real result stands.
    if (f.status === "unreachable") continue;
    const k = `${f.checkId}\u0000${f.host}`;
    const prev = latest.get(k);
    if (!prev || prev.observedAt <= f.observedAt) latest.set(k, f);
  }
  const byCitation = new Map<string, Finding[]>();
  for (const f of latest.values()) {
    for (const c of f.citations) {
      const list = byCitation.get(c) ?? [];
      list.push(f);
      byCitation.set(c, list);
    }
  }
  let points = 0;
  let assessed = 0;
  const controls = HIPAA_CONTROLS.map((control): ControlScore => {
    const fs = (byCitation.get(control.citation) ?? []).sort(
      (a, b) =>
        rank[b.status] - rank[a.status] || a.checkId.localeCompare(b.checkId) || a.host.localeCompare(b.host),
    );
    const evidence = fs.map((f) => ({
      checkId: f.checkId,
      host: f.host,
      status: f.status,
      observedAt: f.observedAt,
    }));
    if (fs.length === 0) return { control, status: "unassessed", evidence };
    // Unreachable findings never get here (skipped above); "error" means the check could not say.
    const worst = fs[0]!.status as Exclude<CheckStatus, "unreachable">;
    const status: ControlStatus = worst === "error" ? "unknown" : worst;
    assessed++;
    points += status === "pass" ? 1 : status === "warn" ? 0.5 : 0;
    return { control, status, evidence };
  });
  return { score: assessed === 0 ? null : Math.round((points / assessed) * 1000) / 10, assessed, controls };
}
