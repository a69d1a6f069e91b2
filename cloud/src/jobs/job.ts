import type { CloudDeps } from "../deps.ts";

/** A scheduled job: runs every `everyMs` on whichever instance holds its lease. */
export interface Job {
  name: string;
  everyMs: number;
  /**
   * How long a taken lease lasts without renewal (default: leaseMsOf). The runner renews it every
   * third of that while the job runs, so only a stalled or cut-off instance ever loses it.
   */
  leaseMs?: number;
  /**
   * One run. `signal` aborts when the lease could not be renewed (another instance may now run the
   * job): a long run checks it between steps and stops.
   */
  run(deps: CloudDeps, signal: AbortSignal): Promise<void>;
}

/** Lease length of a job: its own, else twice its interval but at least 15 s. */
export function leaseMsOf(job: Job): number {
  return job.leaseMs ?? Math.max(2 * job.everyMs, 15_000);
}
