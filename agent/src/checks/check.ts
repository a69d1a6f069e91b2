import type { CheckStatus, JsonObject, Severity } from "../../../protocol/common.ts";
import type { Host } from "./host.ts";

/** Settings a check may read (the [checks] section plus what the daemon knows). */
export interface CheckSettings {
  ntpServers: string[];
  ntpMaxOffsetMs: number;
  allowedPorts: number[];
  expectedServices: string[];
  diskMaxPercent: number;
  nixosExpectedGeneration?: number;
}

/** A host's first-seen lists of the baseline checks (SUID files, cron entries), by check id. */
export interface HostBaseline {
  get(checkId: string): string[] | undefined;
  set(checkId: string, items: readonly string[]): void;
}

/** What a check is handed: the host to inspect and the settings. */
export interface CheckContext {
  host: Host;
  settings: CheckSettings;
  /** Where baseline checks keep the host's first-seen list; without one they report only. */
  baseline?: HostBaseline;
  /** Milliseconds the check may take; long waits (SNTP) should stay inside it. */
  timeoutMs: number;
}

/** What detect found. `details` is evidence: small, plain, PHI-free. */
export interface CheckOutcome {
  status: CheckStatus;
  expected?: string;
  actual?: string;
  details: JsonObject;
}

/** One drift check of the appliance's own Linux/NixOS host. */
export interface LinuxCheck {
  /** `linux.<thing>` */
  id: string;
  title: string;
  /** HIPAA Security Rule citations this check supports (all in protocol/hipaa.ts). */
  citations: string[];
  severity: Severity;
  /** Runbook (runbooks/linux/<id>) that fixes a failure, where a safe fix exists. */
  runbookId?: string;
  detect(ctx: CheckContext): Promise<CheckOutcome>;
}

/** Shorthand for building an outcome. */
export function outcome(
  status: CheckStatus,
  expected: string,
  actual: string,
  details: JsonObject = {},
): CheckOutcome {
  return { status, expected, actual, details };
}
