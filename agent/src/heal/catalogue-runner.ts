import type { RunbookExecution, RunbookRunner } from "../../../lib/runbook-types.ts";
import type { KeyEscrow } from "../../../protocol/ingest.ts";
import type { Runbook } from "../../../runbooks/catalogue.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { runRunbook } from "../runbooks/runner.ts";

/** What the catalogue runner needs: the runbooks, an executor per host, and where recovery keys go. */
export interface CatalogueRunnerOptions {
  runbook: (id: string) => Runbook | undefined;
  /** The executor for a host (WinRM for configured Windows hosts, the local shell for the appliance). */
  executorFor: (host: string) => RunbookExecutor | undefined;
  /** BitLocker recovery keys a remediation produced (already stripped from the details). */
  onEscrow?: (keys: KeyEscrow[]) => void;
  timeoutMs?: number;
}

/**
 * The healer's RunbookRunner over the runbooks runner (agent/src/runbooks): detect → remediate →
 * verify → rollback on the host's executor, mapped to the execution the receipt is built from.
 */
export function catalogueRunner(o: CatalogueRunnerOptions): RunbookRunner {
  return {
    async execute(req): Promise<RunbookExecution> {
      const runbook = o.runbook(req.runbookId);
      if (!runbook) throw new Error(`runbook ${req.runbookId} is not in this appliance's catalogue`);
      const executor = o.executorFor(req.host);
      if (!executor)
        throw new Error(
          `no way to reach host ${req.host} (not the appliance, not a configured Windows host)`,
        );
      const run = await runRunbook({
        runbook,
        executor,
        params: req.params,
        dryRun: req.dryRun,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      });
      if (run.escrow.length > 0) o.onEscrow?.(run.escrow);
      const verdict = (s: typeof run.before) => ({
        status: s.status,
        ...(s.actual !== undefined ? { actual: s.actual } : {}),
        details: s.details,
      });
      // A failed detect or remediate is an error; a failed verify is told by `after` and `rollback`.
      const stepFailed = run.outcome === "failed" && run.after === null && !run.dryRun;
      return {
        before: verdict(run.before),
        after: run.after ? verdict(run.after) : null,
        rollback: run.rollback,
        ...(stepFailed && run.error ? { error: run.error } : {}),
      };
    },
  };
}
