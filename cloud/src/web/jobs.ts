import type { Job } from "../jobs/job.ts";
import { pruneWebAuth } from "./auth/sessions.ts";

/** Hourly: forget web sessions and sign-in links that ended more than a day ago. */
export const pruneWebAuthJob: Job = {
  name: "prune-web-auth",
  everyMs: 3_600_000,
  run: async (d) => {
    const r = await pruneWebAuth(d.db, d.clock);
    if (r.sessions + r.links > 0) d.logger.info("web: pruned ended sessions and links", r);
  },
};
