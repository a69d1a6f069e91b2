import type { CheckStatus, JsonObject } from "../protocol/common.ts";
import type { RunbookSpec } from "../protocol/runbook.ts";

/** What detect or verify reported (the last JSON line of the script, per the runbook contract). */
export interface ScriptVerdict {
  status: CheckStatus;
  expected?: string;
  actual?: string;
  details: JsonObject;
}

/** The result of one detect → remediate → verify (→ rollback) run of a runbook on a host. */
export interface RunbookExecution {
  /** detect before remediating. */
  before: ScriptVerdict;
  /** verify after remediating; null when remediation did not run (dry run, detect passed, error). */
  after: ScriptVerdict | null;
  /** Set when verify failed and rollback was attempted (or remediation failed mid-way). */
  rollback: { attempted: boolean; ok: boolean; output?: string } | null;
  /** A step failed outright (non-zero exit, unparsable output, transport error): what and where. */
  error?: string;
}

/** A request to execute a runbook on a host. */
export interface RunbookRequest {
  runbookId: string;
  host: string;
  params: JsonObject;
  dryRun: boolean;
}

/**
 * Executes runbooks on hosts. The healer is handed one (the runbook runner over WinRM or local
 * shell in production; a loopback test host in tests), so healing logic never does I/O itself.
 */
export interface RunbookRunner {
  execute(req: RunbookRequest): Promise<RunbookExecution>;
}

/** The runbooks the appliance carries, by id (the embedded catalogue). */
export interface RunbookCatalogue {
  get(id: string): RunbookSpec | undefined;
  /** Every runbook spec. */
  all(): readonly RunbookSpec[];
}

/** A catalogue over a list of specs. */
export function catalogueOf(specs: readonly RunbookSpec[]): RunbookCatalogue {
  const byId = new Map(specs.map((s) => [s.id, s]));
  return { get: (id) => byId.get(id), all: () => specs };
}
