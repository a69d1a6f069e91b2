import { scrubJson, scrubText } from "../../../lib/phi/scrub.ts";
import type { RunbookExecution, ScriptVerdict } from "../../../lib/runbook-types.ts";
import { clipText, type JsonObject } from "../../../protocol/common.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { DecidedBy, RemediationReceipt, StateSnapshot } from "../../../protocol/receipt.ts";

/** Everything that went into one healing attempt. */
export interface AttemptRecord {
  id: string;
  incidentId?: string;
  finding: Finding;
  runbookId: string;
  params: JsonObject;
  decidedBy: DecidedBy;
  dryRun: boolean;
  /** The execution, or the error that kept it from producing one. */
  execution: RunbookExecution | { error: string };
  startedAt: string;
  finishedAt: string;
}

function snapshot(v: ScriptVerdict, at: string): StateSnapshot {
  return {
    status: v.status,
    ...(v.actual !== undefined ? { actual: clipText(scrubText(v.actual)) } : {}),
    details: scrubJson(v.details),
    at,
  };
}

/**
 * Build the remediation receipt for an attempt (PHI-scrubbed): fixed when verify passed, rolled-back
 * when verify failed and the rollback succeeded, failed otherwise; dry-run when nothing was changed.
 * Without an execution the "before" state is the finding that triggered the attempt.
 */
export function buildReceipt(a: AttemptRecord): RemediationReceipt {
  const ex = "before" in a.execution ? a.execution : null;
  const error = a.execution.error;
  const before = ex
    ? snapshot(ex.before, a.startedAt)
    : snapshot(
        { status: a.finding.status, actual: a.finding.actual, details: a.finding.details },
        a.finding.observedAt,
      );
  const after = ex?.after ? snapshot(ex.after, a.finishedAt) : null;
  const verify = after === null ? "skipped" : after.status === "pass" ? "pass" : "fail";
  const rollback = ex?.rollback
    ? {
        ...ex.rollback,
        ...(ex.rollback.output !== undefined ? { output: clipText(scrubText(ex.rollback.output)) } : {}),
      }
    : null;
  const outcome: RemediationReceipt["outcome"] = a.dryRun
    ? "dry-run"
    : verify === "pass"
      ? "fixed"
      : rollback?.attempted && rollback.ok
        ? "rolled-back"
        : "failed";
  return {
    id: a.id,
    ...(a.incidentId ? { incidentId: a.incidentId } : {}),
    checkId: a.finding.checkId,
    host: a.finding.host,
    runbookId: a.runbookId,
    params: a.params,
    decidedBy: a.decidedBy,
    dryRun: a.dryRun,
    before,
    after,
    verify,
    rollback,
    outcome,
    ...(error ? { error: clipText(scrubText(error)) } : {}),
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
  };
}
