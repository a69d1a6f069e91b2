import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { Finding } from "../../../protocol/finding.ts";
import type { CheckOutcome, CheckSettings, HostBaseline, LinuxCheck } from "./check.ts";
import type { Host } from "./host.ts";

/** How a cycle of checks runs. */
export interface RunOptions {
  host: Host;
  settings: CheckSettings;
  /** Name of this host in findings. */
  hostName: string;
  /** Per-check limit; a check still running then is reported as status "error". */
  timeoutMs: number;
  /** Checks run at once (they mostly wait on subprocesses and the network). */
  concurrency?: number;
  /** The host's baseline lists (baseline checks only report without one). */
  baseline?: HostBaseline;
  /** Called after each check finishes (CLI progress). */
  onProgress?: (done: number, total: number, checkId: string) => void;
}

const clip = (s: string | undefined) =>
  s === undefined ? undefined : s.length > 500 ? `${s.slice(0, 497)}...` : s;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// Commands a check starts die with its time limit instead of outliving the reported timeout.
function bounded(host: Host, timeoutMs: number): Host {
  return {
    run: (argv, o) => host.run(argv, { timeoutMs: Math.min(o?.timeoutMs ?? timeoutMs, timeoutMs) }),
    readFile: (p) => host.readFile(p),
    readLink: (p) => host.readLink(p),
    listDir: (p) => host.listDir(p),
    now: () => host.now(),
    udpRequest: (h, port, payload, t) => host.udpRequest(h, port, payload, Math.min(t, timeoutMs)),
    hostname: () => host.hostname(),
  };
}

/** Run one check and turn whatever happens (result, exception, hang) into a valid Finding. */
export async function runCheck(check: LinuxCheck, opts: RunOptions): Promise<Finding> {
  const started = performance.now();
  const observedAt = new Date().toISOString();
  let result: CheckOutcome;
  try {
    result = await withTimeout(
      check.detect({
        host: bounded(opts.host, opts.timeoutMs),
        settings: opts.settings,
        timeoutMs: opts.timeoutMs,
        ...(opts.baseline ? { baseline: opts.baseline } : {}),
      }),
      opts.timeoutMs,
    );
  } catch (e) {
    result = {
      status: "error",
      actual: `check failed: ${(e as Error).message}`,
      details: { error: (e as Error).message },
    };
  }
  const finding = {
    checkId: check.id,
    host: opts.hostName,
    status: result.status,
    severity: check.severity,
    title: check.title,
    citations: check.citations,
    expected: clip(result.expected),
    actual: clip(result.actual),
    details: result.details,
    observedAt,
    durationMs: Math.round(performance.now() - started),
  };
  for (const k of ["expected", "actual"] as const) if (finding[k] === undefined) delete finding[k];
  const ok = v.safeParse(Finding, finding);
  if (ok.success) return ok.output;
  // Evidence must always be well-formed: report a check that produced junk as an error.
  return {
    ...finding,
    status: "error",
    actual: clip(`malformed result: ${describeIssues(ok.issues)}`),
    details: {},
  };
}

/** Run checks with bounded concurrency; results keep the order of `checks`. */
export async function runChecks(checks: readonly LinuxCheck[], opts: RunOptions): Promise<Finding[]> {
  const results: Finding[] = new Array(checks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < checks.length) {
      const i = next++;
      results[i] = await runCheck(checks[i]!, opts);
      opts.onProgress?.(++done, checks.length, checks[i]!.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, checks.length) }, worker));
  return results;
}

/** Checks to run: all minus disabled, or only the ids asked for (unknown ids are an error). */
export function selectChecks(
  all: readonly LinuxCheck[],
  only: readonly string[],
  disabled: readonly string[],
): LinuxCheck[] {
  const unknown = only.filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown check ${unknown.map((u) => `"${u}"`).join(", ")}; known: ${all.map((c) => c.id).join(", ")}`,
    );
  }
  if (only.length > 0) return all.filter((c) => only.includes(c.id));
  return all.filter((c) => !disabled.includes(c.id));
}
