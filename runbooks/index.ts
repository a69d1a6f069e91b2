/**
 * The runbook catalogue, embedded at build time (the macro import inlines every runbook's files)
 * and validated when first imported. Used by the agent (healing, CLI, Windows checks) and the
 * cloud (MCP, L2 planner).
 */
import type { RunbookSpec } from "../protocol/runbook.ts";
import { parseCatalogue, type Runbook } from "./catalogue.ts";
import { readRunbookFiles } from "./files.ts" with { type: "macro" };

export type { Runbook } from "./catalogue.ts";

/** Every runbook, Windows then Linux, sorted by id within each platform. */
export const RUNBOOKS: readonly Runbook[] = parseCatalogue(readRunbookFiles());

const byId = new Map(RUNBOOKS.map((r) => [r.spec.id, r]));

/** The runbook with this id, or undefined. */
export function runbookById(id: string): Runbook | undefined {
  return byId.get(id);
}

/** Runbooks that fix a check. */
export function runbooksForCheck(checkId: string): Runbook[] {
  return RUNBOOKS.filter((r) => r.spec.checkId === checkId);
}

/** Just the specs (what the cloud serves to the L2 planner and MCP clients). */
export const RUNBOOK_SPECS: readonly RunbookSpec[] = RUNBOOKS.map((r) => r.spec);
