import type { CloudDeps } from "../deps.ts";
import type { Job } from "./job.ts";
import { tryLease } from "./lease.ts";

/** Start every job on a timer; `stop` waits for running ones to finish. */
export function startJobs(deps: CloudDeps, jobs: readonly Job[]): { stop(): Promise<void> } {
  const running = new Set<Promise<void>>();
  const busy = new Set<string>();
  const timers = jobs.map((job) =>
    setInterval(() => {
      // A slow pass is never overlapped by the next tick of the same job.
      if (busy.has(job.name)) return;
      busy.add(job.name);
      const p = (async () => {
        if (!(await tryLease(deps.db, deps.clock, job.name, job.everyMs * 2))) return;
        await job.run(deps);
      })()
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
    },
  };
}
