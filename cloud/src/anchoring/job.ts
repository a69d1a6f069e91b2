import type { Job } from "../jobs/job.ts";
import { anchorDueCheckpoints, upgradePendingOts } from "./anchor.ts";
import type { AnchoringSettings } from "./settings.ts";

/**
 * The anchoring jobs: `checkpoint-anchoring` ticks every minute (so a failing source is alerted
 * well within any tier's period) and anchors the checkpoints that fell due; `ots-upgrade` asks
 * the calendars for completed attestations every `upgradeEveryMin`.
 */
export function anchoringJobs(settings: AnchoringSettings, everyMs = 60_000): Job[] {
  const jobs: Job[] = [
    {
      name: "checkpoint-anchoring",
      everyMs,
      run: async (deps, signal) => {
        const pass = await anchorDueCheckpoints(deps, settings, signal);
        if (pass.anchored > 0)
          deps.logger.info("anchoring: checkpoints anchored", { anchored: pass.anchored });
        for (const f of pass.failures) deps.logger.error("anchoring: failed", f);
      },
    },
  ];
  if (settings.calendars.length > 0) {
    jobs.push({
      name: "ots-upgrade",
      everyMs: settings.upgradeEveryMin * 60_000,
      run: async (deps) => {
        const n = await upgradePendingOts(deps, settings);
        if (n > 0) deps.logger.info("anchoring: OpenTimestamps attestations completed", { upgraded: n });
      },
    });
  }
  return jobs;
}
