import { UpdateError } from "./errors.ts";

/** Result of running a binary's own health checks. */
export interface HealthReport {
  version: string;
  selfTest: string;
}

async function run(bin: string, args: string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn([bin, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", timeout: timeoutMs });
  } catch (e) {
    throw new UpdateError("health", `${bin} ${args.join(" ")} could not start: ${(e as Error).message}`);
  }
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  return { code, out: `${out}${err}`.trim() };
}

/**
 * Health-check an installed binary: `--version` must print exactly the version the signed
 * metadata announced, and `self-test` must exit 0. Throws UpdateError("health") otherwise.
 */
export async function healthCheck(
  bin: string,
  expectedVersion: string,
  timeoutMs = 60_000,
): Promise<HealthReport> {
  const ver = await run(bin, ["--version"], timeoutMs);
  if (ver.code !== 0)
    throw new UpdateError("health", `${bin} --version exited ${ver.code}: ${ver.out.slice(0, 300)}`);
  if (ver.out !== `malachor ${expectedVersion}`) {
    throw new UpdateError(
      "health",
      `${bin} --version printed "${ver.out.slice(0, 100)}", expected "malachor ${expectedVersion}"`,
    );
  }
  const st = await run(bin, ["self-test"], timeoutMs);
  if (st.code !== 0)
    throw new UpdateError("health", `${bin} self-test exited ${st.code}: ${st.out.slice(0, 500)}`);
  return { version: expectedVersion, selfTest: st.out.slice(0, 500) };
}
