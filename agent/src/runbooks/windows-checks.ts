/**
 * The Windows CheckProvider: each cycle, every configured Windows host runs the detect step of
 * every enabled Windows runbook as one combined script, and each result becomes a Finding.
 */
import * as v from "valibot";
import type { Finding } from "../../../protocol/finding.ts";
import { checkRunbookParams } from "../../../protocol/runbook.ts";
import type { Runbook } from "../../../runbooks/catalogue.ts";
import type { CheckProvider, CycleContext } from "../daemon/providers.ts";
import { combinedDetectScript, parseCombinedOutput } from "./combined.ts";
import { extractEscrow } from "./escrow.ts";
import type { RunbookExecutor } from "./executor.ts";
import { CheckOutput, excerpt } from "./output.ts";

/** Options of the provider. */
export interface WindowsChecksOptions {
  runbooks: readonly Runbook[];
  /** The executors of the configured Windows hosts. */
  executors: () => readonly RunbookExecutor[];
  now?: () => Date;
}

const short = (s: string | null | undefined) =>
  s == null ? undefined : s.length > 500 ? `${s.slice(0, 499)}…` : s;

/** Findings for one host from one combined scan. */
export async function scanWindowsHost(
  executor: RunbookExecutor,
  runbooks: readonly Runbook[],
  timeoutMs: number,
  now: () => Date = () => new Date(),
): Promise<Finding[]> {
  const started = Date.now();
  const items = runbooks.map((runbook) => {
    const p = checkRunbookParams(runbook.spec, {});
    return { runbook, params: p.ok ? p.params : {} };
  });
  const finding = (r: Runbook, f: Pick<Finding, "status" | "details"> & Partial<Finding>): Finding => ({
    checkId: r.spec.checkId,
    host: executor.host,
    severity: r.spec.severity,
    title: r.spec.title,
    citations: r.spec.citations,
    observedAt: now().toISOString(),
    durationMs: Date.now() - started,
    ...f,
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
    return runbooks.map((r) =>
      finding(r, { status: "error", actual: message, details: { reason: "host scan failed" } }),
    );
  }
  const results = parseCombinedOutput(stdout);
  return runbooks.map((r) => {
    const res = results.get(r.spec.id);
    if (!res)
      return finding(r, { status: "error", actual: "no result in the combined scan output", details: {} });
    if (!res.ok)
      return finding(r, { status: "error", actual: short(`detect failed: ${res.error}`), details: {} });
    let parsed: CheckOutput;
    try {
      parsed = v.parse(CheckOutput, JSON.parse(res.json));
    } catch {
      return finding(r, {
        status: "error",
        actual: short(`detect printed no valid result: ${excerpt(res.json, 120)}`),
        details: {},
      });
    }
    const { details } = extractEscrow(parsed.details ?? {}, executor.host);
    return finding(r, {
      status: parsed.status,
      ...(parsed.expected ? { expected: short(parsed.expected) } : {}),
      ...(parsed.actual ? { actual: short(parsed.actual) } : {}),
      details: { ...details, runbookId: r.spec.id },
    });
  });
}

/** A CheckProvider over the configured Windows hosts (hosts are scanned in parallel). */
export function windowsCheckProvider(opts: WindowsChecksOptions): CheckProvider {
  const windows = opts.runbooks.filter((r) => r.spec.platform === "windows");
  return {
    name: "windows",
    async collect(ctx: CycleContext): Promise<Finding[]> {
      const enabled = windows.filter((r) => !ctx.disabled.has(r.spec.checkId));
      if (enabled.length === 0) return [];
      // One script runs every check, so it gets the time of all of them.
      const timeoutMs = Math.max(ctx.timeoutMs * enabled.length, 30_000);
      const lists = await Promise.all(
        opts.executors().map((e) => scanWindowsHost(e, enabled, timeoutMs, opts.now)),
      );
      return lists.flat();
    },
  };
}
