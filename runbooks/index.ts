/**
 * The runbook catalogue, embedded at build time (the macro import inlines every runbook's files)
 * and validated when first imported. Used by the agent (healing, CLI, Windows checks) and the
 * cloud (MCP, L2 planner).
 */
import type { RunbookSpec } from "../protocol/runbook.ts";
import {
  type CheckSpec,
  checksOf,
  isCheckFolder,
  parseCatalogue,
  parseCheckFolder,
  type Runbook,
} from "./catalogue.ts";
import { readRunbookFiles } from "./files.ts" with { type: "macro" };
import { THREAT_CHECK_IDS } from "./threats.ts";

export type { CheckSpec, Runbook, WindowsRole } from "./catalogue.ts";

const FILES = readRunbookFiles();

/** Every runbook, Windows then Linux, sorted by id within each platform. */
export const RUNBOOKS: readonly Runbook[] = parseCatalogue(FILES);

/**
 * Every Windows check the combined scan runs, sorted by id: one per runbook fixing its own check,
 * plus the monitor-only checks no runbook may fix. (The appliance's Linux checks are TypeScript,
 * in agent/src/checks/linux.)
 */
export const WINDOWS_CHECKS: readonly CheckSpec[] = checksOf(
  RUNBOOKS.filter((r) => r.spec.platform === "windows"),
  FILES.filter((f) => f.platform === "windows" && isCheckFolder(f)).map(parseCheckFolder),
);

const checkById = new Map(WINDOWS_CHECKS.map((c) => [c.id, c]));

/** The Windows check with this id, or undefined. */
export function windowsCheck(id: string): CheckSpec | undefined {
  return checkById.get(id);
}

/**
 * Why drift on this check needs a person instead of an automatic fix (a monitor-only check, an
 * event-log threat, or a check no runbook fixes), or undefined when a runbook may fix it — so no
 * page claims an automatic fix that nothing can make.
 */
export function needsPersonReason(checkId: string): string | undefined {
  if (THREAT_CHECK_IDS.has(checkId))
    return "a threat from the event logs goes to people, never to an automatic fix";
  const monitorOnly = monitorOnlyReason(checkId);
  if (monitorOnly) return monitorOnly;
  return fixedChecks.has(checkId) ? undefined : "no runbook exists for it";
}

/** Why a Windows check needs a person instead of an automatic fix, or undefined when a runbook fixes it. */
export function monitorOnlyReason(checkId: string): string | undefined {
  return checkById.get(checkId)?.monitorOnly;
}

const byId = new Map(RUNBOOKS.map((r) => [r.spec.id, r]));
const fixedChecks: ReadonlySet<string> = new Set(RUNBOOKS.map((r) => r.spec.checkId));

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
