/**
 * The Windows CheckProvider: each cycle, every configured Windows host that is due (its role's
 * cadence) runs one combined scan of the checks for its role (runbooks/WINDOWS_CHECKS), and each
 * result becomes a Finding. A workstation that does not answer is "unreachable" (monitoring only,
 * never scored); a server or domain controller that does not answer is an error for each check.
 * Baseline checks (persistence, privileged groups) are compared with the host's first-seen list.
 */
import * as v from "valibot";
import type { Finding } from "../../../protocol/finding.ts";
import { checkRunbookParams, type RunbookSpec } from "../../../protocol/runbook.ts";
import { type CheckSpec, WindowsRole } from "../../../runbooks/catalogue.ts";
import type { CheckProvider, CycleContext } from "../daemon/providers.ts";
import { WinRmConnectError, WinRmTimeoutError } from "../winrm/errors.ts";
import { combinedDetectScript, parseCombinedOutput, ROLE_LINE } from "./combined.ts";
import { extractEscrow } from "./escrow.ts";
import type { RunbookExecutor } from "./executor.ts";
import { CheckOutput, excerpt } from "./output.ts";

/** Where baseline checks keep each host's first-seen list (the agent's SQLite in production). */
export interface BaselineStore {
  get(host: string, checkId: string): string[] | undefined;
  set(host: string, checkId: string, items: readonly string[]): void;
}

/** One Windows host to scan; `role` from the config when the operator knows it (else detected). */
export interface WindowsTarget {
  executor: RunbookExecutor;
  role?: WindowsRole;
}

/** Options of the provider. */
export interface WindowsChecksOptions {
  checks: readonly CheckSpec[];
  targets: () => readonly WindowsTarget[];
  /** Seconds between scans of a host, by role (a host is scanned at most once per cycle). */
  cadenceSec?: Partial<Record<WindowsRole, number>>;
  baselines?: BaselineStore;
  now?: () => Date;
}

/** What one host's scan found. */
export interface HostScan {
  /** The role the host reported, or undefined when it did not answer. */
  role: WindowsRole | undefined;
  findings: Finding[];
}

const short = (s: string | null | undefined) =>
  s == null ? undefined : s.length > 500 ? `${s.slice(0, 499)}…` : s;

/** The id of the one finding an unreachable workstation gets. */
export const REACHABLE_CHECK = "windows.reachable";

/** Did the host simply not answer (switched off, asleep, off the network)? */
function notAnswering(e: unknown): boolean {
  return e instanceof WinRmConnectError || e instanceof WinRmTimeoutError;
}

/** Findings for one host from one combined scan of `checks` (each applies to some roles). */
export async function scanWindowsHost(
  target: WindowsTarget,
  checks: readonly CheckSpec[],
  timeoutMs: number,
  opts: { baselines?: BaselineStore; now?: () => Date; knownRole?: WindowsRole } = {},
): Promise<HostScan> {
  const { executor } = target;
  const now = opts.now ?? (() => new Date());
  const started = Date.now();
  const finding = (c: CheckSpec, f: Pick<Finding, "status" | "details"> & Partial<Finding>): Finding => ({
    checkId: c.id,
    host: executor.host,
    severity: c.severity,
    title: c.title,
    citations: [...c.citations],
    observedAt: now().toISOString(),
    durationMs: Date.now() - started,
    ...f,
  });
  const items = checks.map((c) => {
    const p = checkRunbookParams({ id: c.id, params: c.params } as RunbookSpec, {});
    return { id: c.id, detect: c.detect, roles: c.roles, params: p.ok ? p.params : {} };
  });
  let stdout: string;
  try {
    const run = await executor.run(combinedDetectScript(items), { params: {} }, timeoutMs);
    if (run.exitCode !== 0 && !run.stdout.includes("##malachor##")) {
      throw new Error(`combined detect exited ${run.exitCode}: ${excerpt(run.stderr)}`);
    }
    stdout = run.stdout;
  } catch (e) {
    const message = short((e as Error).message) as string;
    const role = target.role ?? opts.knownRole;
    if (role === "workstation" && notAnswering(e)) {
      return {
        role: undefined,
        findings: [
          {
            checkId: REACHABLE_CHECK,
            host: executor.host,
            severity: "info",
            title: "Workstation answers WinRM",
            citations: [],
            status: "unreachable",
            actual: message,
            details: { reason: "workstation did not answer; its last results stand" },
            observedAt: now().toISOString(),
          },
        ],
      };
    }
    const expected = role ? checks.filter((c) => c.roles.includes(role)) : checks;
    return {
      role: undefined,
      findings: expected.map((c) =>
        finding(c, { status: "error", actual: message, details: { reason: "host scan failed" } }),
      ),
    };
  }
  const results = parseCombinedOutput(stdout);
  const reported = results.get(ROLE_LINE);
  const role = reported?.ok ? v.safeParse(WindowsRole, reported.json.trim()) : undefined;
  if (!role?.success) {
    const why = `the scan reported no role (${excerpt(stdout, 120)})`;
    return {
      role: undefined,
      findings: checks.map((c) => finding(c, { status: "error", actual: short(why), details: {} })),
    };
  }
  const mine = checks.filter((c) => c.roles.includes(role.output));
  const findings = mine.map((c): Finding => {
    const res = results.get(c.id);
    if (!res)
      return finding(c, { status: "error", actual: "no result in the combined scan output", details: {} });
    if (!res.ok)
      return finding(c, { status: "error", actual: short(`detect failed: ${res.error}`), details: {} });
    let parsed: CheckOutput;
    try {
      parsed = v.parse(CheckOutput, JSON.parse(res.json));
    } catch {
      return finding(c, {
        status: "error",
        actual: short(`detect printed no valid result: ${excerpt(res.json, 120)}`),
        details: {},
      });
    }
    const { details } = extractEscrow(parsed.details ?? {}, executor.host);
    const base = {
      status: parsed.status,
      ...(parsed.expected ? { expected: short(parsed.expected) } : {}),
      ...(parsed.actual ? { actual: short(parsed.actual) } : {}),
      details: { ...details, role: role.output, ...(c.runbooks[0] ? { runbookId: c.runbooks[0] } : {}) },
    };
    return finding(c, c.baseline ? againstBaseline(c, executor.host, base, opts.baselines) : base);
  });
  return { role: role.output, findings };
}

type Verdict = Pick<Finding, "status" | "details"> & Partial<Finding>;

/**
 * A baseline check's verdict: its `details.items` against the host's first-seen list. New items
 * fail (they stay failing until a person accepts them into the baseline); the list itself is not
 * sent, only what changed, so evidence stays small.
 */
function againstBaseline(c: CheckSpec, host: string, r: Verdict, store: BaselineStore | undefined): Verdict {
  const items = v.safeParse(v.array(v.string()), r.details.items);
  if (!items.success || r.status !== "pass")
    return { ...r, status: "error", actual: "baseline check printed no item list", details: {} };
  const { items: _all, ...details } = r.details;
  const baseline = store?.get(host, c.id);
  if (!store || baseline === undefined) {
    store?.set(host, c.id, items.output);
    return {
      ...r,
      actual: `${items.output.length} items; baseline recorded`,
      details: { ...details, count: items.output.length },
    };
  }
  const known = new Set(baseline);
  const now = new Set(items.output);
  const added = items.output.filter((x) => !known.has(x));
  const removed = baseline.filter((x) => !now.has(x));
  return {
    ...r,
    status: added.length ? "fail" : "pass",
    actual: short(
      added.length ? `new since baseline: ${added.join("; ")}` : `${items.output.length} items, none new`,
    ),
    details: {
      ...details,
      count: items.output.length,
      added: added.slice(0, 50),
      removed: removed.slice(0, 50),
    },
  };
}

/** A CheckProvider over the configured Windows hosts (hosts are scanned in parallel). */
export function windowsCheckProvider(opts: WindowsChecksOptions): CheckProvider {
  const windows = opts.checks.filter((c) => c.platform === "windows");
  const last = new Map<string, { at: number; role: WindowsRole | undefined }>();
  const now = opts.now ?? (() => new Date());
  const due = (t: WindowsTarget) => {
    const prev = last.get(t.executor.host);
    const role = t.role ?? prev?.role;
    const cadence = (role && opts.cadenceSec?.[role]) ?? 0;
    return !prev || now().getTime() - prev.at >= cadence * 1000;
  };
  return {
    name: "windows",
    async collect(ctx: CycleContext): Promise<Finding[]> {
      const enabled = windows.filter((c) => !ctx.disabled.has(c.id));
      if (enabled.length === 0) return [];
      // One script runs every check, so it gets the time of all of them.
      const timeoutMs = Math.max(ctx.timeoutMs * enabled.length, 30_000);
      const lists = await Promise.all(
        opts
          .targets()
          .filter((t) => ctx.onDemand || due(t))
          .map(async (t) => {
            const known = last.get(t.executor.host)?.role;
            const scan = await scanWindowsHost(t, enabled, timeoutMs, {
              baselines: opts.baselines,
              now: opts.now,
              ...(known ? { knownRole: known } : {}),
            });
            const role = scan.role ?? t.role ?? known;
            // An on-demand scan does not move the cadence: the cycle's own scan still comes.
            if (!ctx.onDemand || !last.has(t.executor.host))
              last.set(t.executor.host, { at: ctx.onDemand ? 0 : now().getTime(), role });
            return scan.findings;
          }),
      );
      return lists.flat();
    },
  };
}
