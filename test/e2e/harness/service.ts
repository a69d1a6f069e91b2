import type { Subprocess } from "bun";

/** A child process the harness started, with its recent output kept for failure messages. */
export class Service {
  private readonly lines: string[] = [];
  private readonly listeners: ((line: string) => void)[] = [];
  readonly exited: Promise<number>;

  private constructor(
    readonly name: string,
    readonly proc: Subprocess<"ignore", "pipe", "pipe">,
    private readonly echo: boolean,
  ) {
    this.exited = proc.exited;
    void this.pump(proc.stdout);
    void this.pump(proc.stderr);
  }

  /** Start `cmd`; output lines are kept (last 400) and echoed with a prefix when `echo` is set. */
  static start(
    name: string,
    cmd: string[],
    opts: { env?: Record<string, string | undefined>; cwd?: string; echo?: boolean } = {},
  ): Service {
    const proc = Bun.spawn(cmd, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env } as Record<string, string>,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    return new Service(name, proc, opts.echo ?? false);
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += decoder.decode(chunk, { stream: true });
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        this.line(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
    }
    if (buf) this.line(buf);
  }

  private line(l: string): void {
    this.lines.push(l);
    if (this.lines.length > 400) this.lines.shift();
    if (this.echo) process.stderr.write(`[${this.name}] ${l}\n`);
    for (const f of this.listeners) f(l);
  }

  /** Resolve with the first output line (past or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`${this.name}: no output line matching ${re} within ${timeoutMs} ms\n${this.tail()}`),
        );
      }, timeoutMs);
      const onExit = this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before printing ${re}\n${this.tail()}`));
      });
      void onExit;
      this.listeners.push((l) => {
        if (re.test(l)) {
          clearTimeout(timer);
          resolve(l);
        }
      });
    });
  }

  /** The last `n` output lines, for failure messages. */
  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => `  ${this.name}| ${l}`)
      .join("\n");
  }

  /** All output lines kept so far. */
  output(): string[] {
    return [...this.lines];
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Returns the exit code. */
  async stop(graceMs = 10_000): Promise<number> {
    if (!this.running) return this.exited;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** kill -9: no chance to clean up (the crash-safety tests' weapon). */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.proc.kill("SIGKILL");
    await this.exited;
  }
}
