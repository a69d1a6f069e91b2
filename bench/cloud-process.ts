/**
 * A cloud instance as its own process (`bun cloud/src/main.ts`), started from environment variables
 * the way a deployment starts it, for benchmarks that need real separate instances. Its JSON log
 * goes to a file; the listening URL is read from the "cloud listening" line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A running cloud process. */
export interface CloudProcess {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the process has used so far, from /proc. */
  cpuSeconds(): number;
  /**
   * SIGTERM, then wait for a clean exit (which also writes a CPU profile when one was asked for);
   * SIGKILL after `graceMs` (a saturated instance may still be working off abandoned requests).
   * Resolves to the exit code, or null when it had to be killed.
   */
  stop(graceMs?: number): Promise<number | null>;
}

const MAIN = join(import.meta.dir, "..", "cloud", "src", "main.ts");
const TICKS_PER_SEC = 100;

/** CPU seconds (utime + stime) of a process, or NaN once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of each of `pids` (from /proc), leaving out those already gone. */
export function cpuByPid(pids: readonly number[]): Map<number, number> {
  return new Map(
    pids.map((pid) => [pid, processCpuSeconds(pid)] as const).filter(([, c]) => !Number.isNaN(c)),
  );
}

/** Start `cloud/src/main.ts` with `env` (PORT=0 picks a free port) and wait until it listens. */
export async function startCloudProcess(opts: {
  env: Record<string, string>;
  logFile: string;
  /** Write a CPU profile (Bun's --cpu-prof) into this directory on exit. */
  cpuProfileDir?: string;
  timeoutMs?: number;
}): Promise<CloudProcess> {
  const prof = opts.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
  const child = Bun.spawn([process.execPath, ...prof, MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...opts.env },
    stdout: Bun.file(opts.logFile),
    stderr: "pipe",
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null) {
      throw new Error(
        `cloud process exited ${child.exitCode} before listening: ${await new Response(child.stderr).text()}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(
        `cloud process did not listen within ${opts.timeoutMs ?? 60_000} ms (log: ${opts.logFile})`,
      );
    }
    await Bun.sleep(100);
    const log = await Bun.file(opts.logFile)
      .text()
      .catch(() => "");
    url = listeningUrl(log);
  }
  return {
    url,
    pid: child.pid,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop(graceMs = 60_000) {
      child.kill("SIGTERM");
      const code = await Promise.race([child.exited, Bun.sleep(graceMs).then(() => null)]);
      if (code === null) {
        child.kill("SIGKILL");
        await child.exited;
      }
      return code;
    },
  };
}

function listeningUrl(log: string): string | undefined {
  for (const line of log.split("\n")) {
    if (!line.includes('"cloud listening"')) continue;
    const url = (JSON.parse(line) as { url?: unknown }).url;
    if (typeof url === "string") return url.replace(/\/$/, "");
  }
  return undefined;
}
