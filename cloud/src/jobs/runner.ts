import type { CloudDeps } from "../deps.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { pruneRateLimits } from "../ratelimit/limiter.ts";
import { regulatoryJobsFromEnv } from "../regulatory/job.ts";
import { pruneWebAuthJob } from "../web/jobs.ts";
import { tryLease } from "./lease.ts";

/** A scheduled job: runs every `everyMs` on whichever instance holds its lease. */
export interface Job {
  name: string;
  everyMs: number;
  run(deps: CloudDeps): Promise<void>;
}

/** The cloud's scheduled jobs. Other areas add theirs with one line. */
export const JOBS: Job[] = [
  {
    name: "evidence-outbox",
    everyMs: 1000,
    run: async (d) => {
      // Keep draining while there is a backlog, one bounded pass at a time.
      for (let i = 0; i < 20; i++) {
        const r = await drainOutbox(d);
        if (r.written + r.alreadyPresent + r.failed < 500 || r.failed > 0) break;
      }
    },
  },
  { name: "prune-rate-limits", everyMs: 10 * 60_000, run: (d) => pruneRateLimits(d.db, d.clock) },
  ...regulatoryJobsFromEnv(process.env),
  pruneWebAuthJob,
];

/** Start every job on a timer; `stop` waits for running ones to finish. */
export function startJobs(deps: CloudDeps, jobs: Job[] = JOBS): { stop(): Promise<void> } {
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
