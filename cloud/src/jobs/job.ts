import type { CloudDeps } from "../deps.ts";

/** A scheduled job: runs every `everyMs` on whichever instance holds its lease. */
export interface Job {
  name: string;
  everyMs: number;
  run(deps: CloudDeps): Promise<void>;
}
