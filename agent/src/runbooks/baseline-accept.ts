/**
 * A person accepting what a baseline check found (new scheduled tasks, Run keys, WMI subscriptions,
 * services, local or domain administrators) into a host's baseline, so the check passes again.
 * `malachor baseline accept` and the cloud's signed `accept_baseline` order both come here.
 */
import type { CheckSpec } from "../../../runbooks/catalogue.ts";
import type { RunbookExecutor } from "./executor.ts";
import { type BaselineStore, scanWindowsHost } from "./windows-checks.ts";

/** A baseline could not be accepted (unknown check, not a baseline check, host did not answer). */
export class BaselineError extends Error {
  override name = "BaselineError";
  constructor(
    message: string,
    /** The request itself is wrong (no such baseline check), not the host. */
    readonly badRequest = false,
  ) {
    super(message);
  }
}

/** What was accepted. */
export interface BaselineAccepted {
  host: string;
  checkId: string;
  /** Items new to the baseline. */
  accepted: string[];
  /** Items no longer present that left the baseline (only when the host was asked). */
  dropped: string[];
  /** Items in the baseline now. */
  size: number;
}

/** The baseline checks of a catalogue (what can be accepted). */
export function baselineChecks(checks: readonly CheckSpec[]): CheckSpec[] {
  return checks.filter((c) => c.baseline);
}

/**
 * Accept `items` into the host's baseline of `checkId`, or, without items, make the baseline what
 * the host has now (its check run over `executor`).
 */
export async function acceptBaseline(p: {
  store: BaselineStore;
  checks: readonly CheckSpec[];
  host: string;
  checkId: string;
  items?: readonly string[];
  executor?: RunbookExecutor;
  timeoutMs?: number;
}): Promise<BaselineAccepted> {
  const check = p.checks.find((c) => c.id === p.checkId);
  if (!check?.baseline) {
    const known = baselineChecks(p.checks)
      .map((c) => c.id)
      .join(", ");
    throw new BaselineError(
      `${p.checkId} is ${check ? "not a baseline check" : "not a check"} (baseline checks: ${known})`,
      true,
    );
  }
  const before = p.store.get(p.host, p.checkId) ?? [];
  let next: string[];
  if (p.items && p.items.length > 0) {
    next = [...new Set([...before, ...p.items])];
  } else {
    if (!p.executor) throw new BaselineError(`accepting what ${p.host} has now needs a connection to it`);
    next = await currentItems(p.executor, check, p.timeoutMs ?? 60_000);
  }
  p.store.set(p.host, p.checkId, next);
  const had = new Set(before);
  const has = new Set(next);
  return {
    host: p.host,
    checkId: p.checkId,
    accepted: next.filter((x) => !had.has(x)),
    dropped: before.filter((x) => !has.has(x)),
    size: next.length,
  };
}

// The check's own scan, with a store that has no baseline yet: the scan records what it found.
async function currentItems(
  executor: RunbookExecutor,
  check: CheckSpec,
  timeoutMs: number,
): Promise<string[]> {
  let found: string[] | undefined;
  const recorder: BaselineStore = {
    get: () => undefined,
    set: (_host, _id, items) => {
      found = [...items];
    },
  };
  const scan = await scanWindowsHost({ executor }, [check], timeoutMs, { baselines: recorder });
  if (found) return found;
  const f = scan.findings.find((x) => x.checkId === check.id);
  throw new BaselineError(
    f
      ? `${check.id} on ${executor.host}: ${f.status}${f.actual ? ` — ${f.actual}` : ""}`
      : `${check.id} does not apply to ${executor.host} (role ${scan.role ?? "unknown"}; the check is for ${check.roles.join(", ")})`,
  );
}
