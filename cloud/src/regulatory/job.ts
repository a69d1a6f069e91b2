import type { Job } from "../jobs/job.ts";
import { pollRegulatory } from "./poll.ts";
import type { RegulatorySettings } from "./settings.ts";

/**
 * The scheduled poll. It ticks every 10 minutes under the runner's DB lease (one instance polls
 * at a time); pollRegulatory itself skips ticks until the configured interval has passed since
 * the last success, so a failed poll is retried at the next tick and a fresh cloud polls at once.
 */
export function regulatoryJob(settings: RegulatorySettings, everyMs = 10 * 60_000): Job {
  return {
    name: "regulatory-poll",
    everyMs,
    run: async (deps) => {
      await pollRegulatory(deps, settings);
    },
  };
}
