/**
 * A simulated fleet for healing tests: per host and runbook, whether the drift is present and how
 * remediation behaves. Stands in for the runbook runner until a test drives the real runner
 * against the WinRM test server; it follows the runner's detect → remediate → verify → rollback
 * contract, including failing verifies and rollbacks.
 */
import type { RunbookExecution, RunbookRequest, RunbookRunner } from "../../../../lib/runbook-types.ts";

/** How one simulated item behaves when remediated. */
export interface SimItem {
  drifted: boolean;
  /** "fixes" (default), "no-effect" (verify still fails), "throws" (remediate errors). */
  remediation?: "fixes" | "no-effect" | "throws";
}

/** Simulated state keyed `${host}/${runbookId}`; records every request it served. */
export class SimRunner implements RunbookRunner {
  readonly calls: RunbookRequest[] = [];
  constructor(readonly state: Map<string, SimItem> = new Map()) {}

  set(host: string, runbookId: string, item: SimItem): void {
    this.state.set(`${host}/${runbookId}`, item);
  }

  async execute(req: RunbookRequest): Promise<RunbookExecution> {
    this.calls.push(req);
    const item = this.state.get(`${req.host}/${req.runbookId}`) ?? { drifted: false };
    const verdict = () =>
      item.drifted
        ? { status: "fail" as const, actual: "drifted", details: { params: req.params } }
        : { status: "pass" as const, actual: "compliant", details: { params: req.params } };
    const before = verdict();
    if (req.dryRun || before.status === "pass") return { before, after: null, rollback: null };
    if (item.remediation === "throws") {
      return {
        before,
        after: null,
        rollback: null,
        error: `remediate.ps1 on ${req.host} exited 1: access denied`,
      };
    }
    if (item.remediation !== "no-effect") item.drifted = false;
    const after = verdict();
    return {
      before,
      after,
      rollback:
        after.status === "pass" ? null : { attempted: true, ok: true, output: "restored previous state" },
    };
  }
}
