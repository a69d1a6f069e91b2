/**
 * detect → remediate → verify, rolling back when verify fails, over any RunbookExecutor.
 * Returns everything a RemediationReceipt needs except who decided (the healer adds that),
 * plus any BitLocker recovery keys to escrow (already stripped from the details).
 */
import type { JsonObject } from "../../../protocol/common.ts";
import type { KeyEscrow } from "../../../protocol/ingest.ts";
import type { RemediationReceipt, StateSnapshot } from "../../../protocol/receipt.ts";
import { checkRunbookParams } from "../../../protocol/runbook.ts";
import type { Runbook } from "../../../runbooks/catalogue.ts";
import { extractEscrow } from "./escrow.ts";
import type { RunbookExecutor } from "./executor.ts";
import { CheckOutput, RemediateOutput, RollbackOutput, RunbookStepError, readStep } from "./output.ts";

/** Result of one run; field names and types match RemediationReceipt where they overlap. */
export type RunbookRun = Pick<
  RemediationReceipt,
  | "checkId"
  | "host"
  | "runbookId"
  | "params"
  | "dryRun"
  | "before"
  | "after"
  | "verify"
  | "rollback"
  | "startedAt"
  | "finishedAt"
  | "error"
> & {
  /** `not-needed`: detect passed, nothing was changed (no receipt is due). */
  outcome: RemediationReceipt["outcome"] | "not-needed";
  remediation: { changed: boolean; details: JsonObject } | null;
  /** Recovery keys the agent must escrow to the cloud. */
  escrow: KeyEscrow[];
};

/** Options for one run. */
export interface RunOptions {
  runbook: Runbook;
  executor: RunbookExecutor;
  params?: Record<string, unknown>;
  dryRun?: boolean;
  /** Per-script time limit (default 120 s). */
  timeoutMs?: number;
  now?: () => Date;
}

/** Parameters refused by the runbook's bounds. */
export class RunbookParamError extends Error {
  override name = "RunbookParamError";
}

const short = (s: string | null | undefined) =>
  s == null ? undefined : s.length > 500 ? `${s.slice(0, 499)}…` : s;

/** Run a runbook against one host. Never throws for script failures: they land in `error`/`outcome`. */
export async function runRunbook(opts: RunOptions): Promise<RunbookRun> {
  const { runbook, executor } = opts;
  const { spec, scripts } = runbook;
  const now = opts.now ?? (() => new Date());
  const timeoutMs = opts.timeoutMs ?? 120_000;
  if (executor.platform !== spec.platform) {
    throw new RunbookParamError(
      `runbook ${spec.id} is for ${spec.platform}, but ${executor.host} is a ${executor.platform} host`,
    );
  }
  const checked = checkRunbookParams(spec, opts.params ?? {});
  if (!checked.ok) throw new RunbookParamError(checked.message);
  const params = checked.params;
  const host = executor.host;
  const escrow: KeyEscrow[] = [];
  const clean = (details: JsonObject): JsonObject => {
    const e = extractEscrow(details, host);
    escrow.push(...e.escrow);
    return e.invalid ? { ...e.details, escrowInvalid: e.invalid } : e.details;
  };
  const snapshot = (o: CheckOutput): StateSnapshot => ({
    status: o.status,
    ...(short(o.actual) !== undefined ? { actual: short(o.actual) } : {}),
    details: clean(o.details ?? {}),
    at: now().toISOString(),
  });
  const run: RunbookRun = {
    checkId: spec.checkId,
    host,
    runbookId: spec.id,
    params,
    dryRun: Boolean(opts.dryRun),
    before: { status: "error", details: {}, at: now().toISOString() },
    after: null,
    verify: "skipped",
    rollback: null,
    outcome: "failed",
    remediation: null,
    escrow,
    startedAt: now().toISOString(),
    finishedAt: "",
  };
  const finish = (outcome: RunbookRun["outcome"], error?: unknown): RunbookRun => {
    run.outcome = outcome;
    if (error !== undefined) run.error = short(error instanceof Error ? error.message : String(error));
    run.finishedAt = now().toISOString();
    return run;
  };
  const step = async <T>(
    name: "detect" | "remediate" | "verify" | "rollback",
    schema: Parameters<typeof readStep>[0],
    prior?: JsonObject[string],
  ) => {
    const text = scripts[name] as string;
    const r = await executor.run(text, { params, ...(prior !== undefined ? { prior } : {}) }, timeoutMs);
    return readStep(schema, name, spec.id, host, r) as T;
  };

  try {
    run.before = snapshot(await step<CheckOutput>("detect", CheckOutput));
  } catch (e) {
    return finish("failed", e);
  }
  if (run.before.status === "pass") return finish("not-needed");
  if (opts.dryRun) return finish("dry-run");

  let remediation: RemediateOutput;
  try {
    remediation = await step<RemediateOutput>("remediate", RemediateOutput);
  } catch (e) {
    return finish("failed", e);
  }
  run.remediation = { changed: remediation.changed, details: clean(remediation.details ?? {}) };

  let verifyError: unknown;
  try {
    run.after = snapshot(await step<CheckOutput>("verify", CheckOutput));
    run.verify = run.after.status === "fail" ? "fail" : "pass";
  } catch (e) {
    verifyError = e;
    run.verify = "fail";
  }
  if (run.verify === "pass") return finish("fixed");

  const why = verifyError ?? `verify reported ${run.after?.actual ?? "fail"}`;
  if (!spec.rollback || !remediation.changed) {
    run.rollback = spec.rollback
      ? { attempted: false, ok: true, output: "remediation changed nothing" }
      : null;
    return finish("failed", why);
  }
  try {
    const prior = remediation.details?.before ?? null;
    const rb = await step<RollbackOutput>("rollback", RollbackOutput, prior);
    run.rollback = { attempted: true, ok: rb.restored, output: short(JSON.stringify(rb.details ?? {})) };
    return finish(rb.restored ? "rolled-back" : "failed", why);
  } catch (e) {
    run.rollback = {
      attempted: true,
      ok: false,
      output: short(e instanceof RunbookStepError ? e.message : String(e)),
    };
    return finish("failed", why);
  }
}
