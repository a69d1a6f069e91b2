import * as v from "valibot";
import { CheckStatus, HostName, NonNegInt, Slug, Timestamp } from "./common.ts";
import type { Finding } from "./finding.ts";
import { HIPAA_CONTROLS, HipaaControl } from "./hipaa.ts";
import type { ProgramEvaluation } from "./program-state.ts";

/**
 * A control's status: the worst of its sources (the latest findings citing it and the compliance
 * program's artefacts); "excepted" when what fails is waived by an exception in force;
 * "unassessed" when nothing judges it.
 */
export const ControlStatus = v.picklist(["pass", "warn", "fail", "unknown", "excepted", "unassessed"]);
export type ControlStatus = v.InferOutput<typeof ControlStatus>;

/** A program artefact's judgement of a control (program-state.ts ProgramSource). */
export const ControlProgramSource = v.strictObject({
  source: v.picklist([
    "sra",
    "risk-plan",
    "policy",
    "acknowledgements",
    "baa",
    "training",
    "official",
    "records",
  ]),
  status: v.picklist(["pass", "warn", "fail"]),
  detail: v.string(),
});

export const ControlScore = v.strictObject({
  control: HipaaControl,
  status: ControlStatus,
  /** The latest findings behind the status (check id + host), worst first. */
  evidence: v.array(
    v.strictObject({
      checkId: Slug,
      host: HostName,
      status: CheckStatus,
      observedAt: Timestamp,
      /** The exception in force that waives this finding's failure. */
      exceptedBy: v.optional(v.string()),
    }),
  ),
  /** The compliance program's artefacts judging the control. */
  program: v.array(ControlProgramSource),
  /** Exceptions naming this control or one of its checks, with their state. */
  exceptions: v.array(v.strictObject({ exceptionId: v.string(), state: v.string(), expiresOn: v.string() })),
});
export type ControlScore = v.InferOutput<typeof ControlScore>;

export const ComplianceScore = v.strictObject({
  /** 0–100 by SCORE_FORMULA over assessed controls; null if none. */
  score: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  assessed: NonNegInt,
  controls: v.array(ControlScore),
});
export type ComplianceScore = v.InferOutput<typeof ComplianceScore>;

/** The score's formula in words (shown on the report and in the packet). */
export const SCORE_FORMULA =
  "score = 100 × (pass + excepted + ½ × warn) ÷ assessed controls, where a control's status is the worst " +
  "of its sources — the latest finding of every check citing it and every compliance-program artefact " +
  "judging it (risk assessment, policy, acknowledgements, BAAs, training, security official). fail and " +
  "unknown (a check that errored) count 0; a failing check or control waived by an exception in force counts " +
  "as excepted, and as fail again once the exception expires; unassessed controls are left out.";

const rank: Record<CheckStatus, number> = { fail: 3, error: 2, warn: 1, pass: 0, unreachable: -1 };
const points: Record<ControlStatus, number> = {
  pass: 1,
  excepted: 1,
  warn: 0.5,
  fail: 0,
  unknown: 0,
  unassessed: 0,
};
const severity: Record<ControlStatus, number> = {
  fail: 4,
  unknown: 3,
  warn: 2,
  excepted: 1,
  pass: 0,
  unassessed: -1,
};

/**
 * Compute a site's compliance score from the latest finding per (check, host) and, when given,
 * the program's judgement on the same day. Reproducible: the same findings and program records
 * always give the same score, so an auditor can recompute it from the exported chains.
 */
export function computeScore(findings: readonly Finding[], program?: ProgramEvaluation): ComplianceScore {
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
  const exceptions = program?.exceptions ?? [];
  const inForce = exceptions.filter((e) => e.state === "in-force");
  const checkWaiver = new Map<string, string>();
  for (const e of inForce) if (e.target.kind === "check") checkWaiver.set(e.target.checkId, e.exceptionId);
  let total = 0;
  let assessed = 0;
  const controls = HIPAA_CONTROLS.map((control): ControlScore => {
    const fs = (byCitation.get(control.citation) ?? []).sort(
      (a, b) =>
        rank[b.status] - rank[a.status] || a.checkId.localeCompare(b.checkId) || a.host.localeCompare(b.host),
    );
    const evidence = fs.map((f) => {
      const waiver = f.status !== "pass" ? checkWaiver.get(f.checkId) : undefined;
      return {
        checkId: f.checkId,
        host: f.host,
        status: f.status,
        observedAt: f.observedAt,
        ...(waiver ? { exceptedBy: waiver } : {}),
      };
    });
    const prog = program?.sources.get(control.citation) ?? [];
    const related = exceptions.filter(
      (e) =>
        (e.target.kind === "control" && e.target.citation === control.citation) ||
        (e.target.kind === "check" &&
          fs.some((f) => f.checkId === (e.target as { checkId: string }).checkId)),
    );
    const base = {
      control,
      evidence,
      program: prog,
      exceptions: related.map((e) => ({
        exceptionId: e.exceptionId,
        state: e.state,
        expiresOn: e.expiresOn,
      })),
    };
    if (fs.length === 0 && prog.length === 0) return { ...base, status: "unassessed" };
    const statuses: ControlStatus[] = [
      // Unreachable findings never get here (skipped above); "error" means the check could not say.
      ...evidence.map(
        (f): ControlStatus =>
          f.exceptedBy ? "excepted" : f.status === "error" ? "unknown" : (f.status as ControlStatus),
      ),
      ...prog.map((p) => p.status),
    ];
    let status = statuses.reduce((w, s) => (severity[s] > severity[w] ? s : w), "pass" as ControlStatus);
    const controlWaiver = inForce.some(
      (e) => e.target.kind === "control" && e.target.citation === control.citation,
    );
    if (controlWaiver && status !== "pass") status = "excepted";
    assessed++;
    total += points[status];
    return { ...base, status };
  });
  return { score: assessed === 0 ? null : Math.round((total / assessed) * 1000) / 10, assessed, controls };
}
