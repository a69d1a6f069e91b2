import { randomUUID } from "node:crypto";
import type { CloudDeps } from "../deps.ts";
import { type Job, leaseMsOf } from "./job.ts";
import { HOLDER, releaseLease, tryLease } from "./lease.ts";

/** Why a run was told to stop. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/**
 * Start every job on a timer under its DB lease; `stop` waits for running ones to finish and gives
 * the leases back. Each runner is its own lease holder (`holder`, default unique), so two runners
 * in one process are two instances. While a job runs its lease is renewed every third of its
 * length; a renewal that fails (taken over, or the database unreachable) aborts the run's signal.
 */
export function startJobs(
  deps: CloudDeps,
  jobs: readonly Job[],
  opts: { holder?: string } = {},
): { stop(): Promise<void> } {
  const holder = opts.holder ?? `${HOLDER}-${randomUUID().slice(0, 8)}`;
  const running = new Set<Promise<void>>();
  const busy = new Set<string>();
  const held = new Set<string>();
  const tick = async (job: Job) => {
    const ttl = leaseMsOf(job);
    if (!(await tryLease(deps.db, deps.clock, job.name, ttl, holder))) {
      held.delete(job.name);
      return;
    }
    held.add(job.name);
    const stop = new AbortController();
    let renewing: Promise<void> | null = null;
    const renew = setInterval(() => {
      if (renewing || stop.signal.aborted) return;
      renewing = tryLease(deps.db, deps.clock, job.name, ttl, holder)
        .then(
          (ok) => (ok ? null : "taken by another instance"),
          (e: unknown) => (e as Error).message,
        )
        .then((lost) => {
          if (!lost) return;
          held.delete(job.name);
          deps.logger.warn("job lease lost; stopping the run", { job: job.name, reason: lost });
          stop.abort(new LeaseLostError(`${job.name}: lease lost (${lost})`));
        })
        .finally(() => {
          renewing = null;
        });
    }, ttl / 3);
    try {
      await job.run(deps, stop.signal);
    } finally {
      clearInterval(renew);
      // A renewal still in flight must land before stop() could give the lease back.
      await renewing;
    }
  };
  const timers = jobs.map((job) =>
    setInterval(() => {
      // A slow pass is never overlapped by the next tick of the same job.
      if (busy.has(job.name)) return;
      busy.add(job.name);
      const p = tick(job)
        .catch((e) => deps.logger.error("job failed", { job: job.name, error: (e as Error).message }))
        .finally(() => {
          running.delete(p);
          busy.delete(job.name);
        });
      running.add(p);
    }, job.everyMs),
  );
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(running);
      await Promise.all([...held].map((name) => releaseLease(deps.db, name, holder).catch(() => undefined)));
    },
  };
}
