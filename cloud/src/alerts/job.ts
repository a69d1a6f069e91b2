import type { Job } from "../jobs/job.ts";
import { detectAll } from "./detect.ts";
import { type AlertRouting, queueDeliveries, sendDue } from "./dispatch.ts";

/**
 * The alerts job: look for conditions, queue what is owed (trigger, resolve, escalation), send
 * what is due. Under the runner's lease one instance does it at a time; every 15 s, so a silent
 * appliance is reported within seconds of its second missed check-in.
 */
export function alertsJob(routing: AlertRouting, everyMs = 15_000): Job {
  return {
    name: "alerts",
    everyMs,
    run: async (deps, signal) => {
      await detectAll(deps);
      if (signal.aborted) return;
      await queueDeliveries(deps, routing);
      if (signal.aborted) return;
      await sendDue(deps, routing);
    },
  };
}
