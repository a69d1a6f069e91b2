/** A site's compliance program now: its records replayed and judged on the cloud clock's day. */
import { eq } from "drizzle-orm";
import type { DatedRecord } from "../../../protocol/program.ts";
import {
  evaluateProgram,
  type ProgramEvaluation,
  type ProgramState,
  replayProgram,
} from "../../../protocol/program-state.ts";
import type { Tier } from "../config.ts";
import { sites } from "../db/schema/sites.ts";
import type { CloudDeps } from "../deps.ts";
import { notFound } from "../http/errors.ts";
import { pageCompliance } from "../web/data/compliance.ts";
import { readRecords } from "./chain.ts";

/** Records, state and judgement of one site's program. */
export interface SiteProgram {
  siteId: string;
  records: DatedRecord[];
  state: ProgramState;
  evaluation: ProgramEvaluation;
  /** The judgement on another day, from the records made by the end of it (score history). */
  on(day: Date): ProgramEvaluation;
}

/** Load and judge a site's program (404 for an unknown site). */
export async function siteProgram(
  deps: Pick<CloudDeps, "db" | "clock" | "config">,
  siteId: string,
): Promise<SiteProgram> {
  const [site] = await deps.db.select({ tier: sites.tier }).from(sites).where(eq(sites.id, siteId));
  if (!site) throw notFound(`no site "${siteId}"`);
  const opts = { retentionDays: deps.config.retentionDays[site.tier as Tier] };
  const records = await readRecords(deps.db, siteId);
  const state = replayProgram(records);
  return {
    siteId,
    records,
    state,
    evaluation: evaluateProgram(state, deps.clock.now(), opts),
    on(day) {
      const end = new Date(day.getTime());
      end.setUTCHours(23, 59, 59, 999);
      const upTo = records.filter((r) => r.at <= end.toISOString());
      return evaluateProgram(replayProgram(upTo), end, opts);
    },
  };
}

/**
 * A site's compliance with its program, for the portal's pages: the score over checks and program
 * artefacts (with the site's host names), and the program.
 */
export async function complianceWithProgram(
  deps: Pick<CloudDeps, "db" | "bodies" | "clock" | "config">,
  siteId: string,
) {
  const program = await siteProgram(deps, siteId);
  return { compliance: await pageCompliance(deps, siteId, program.evaluation), program };
}
