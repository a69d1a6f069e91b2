import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { readdir, readFile, readlink } from "node:fs/promises";
import { hostname } from "node:os";
import type { CommandResult, Host } from "./host.ts";

const decoder = new TextDecoder();

/** The machine the agent runs on. */
export class RealHost implements Host {
  async run(argv: readonly string[], opts: { timeoutMs?: number } = {}): Promise<CommandResult> {
    let proc: ReturnType<typeof Bun.spawn>;
    try {
      proc = Bun.spawn([...argv], {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, LC_ALL: "C", LANG: "C" },
        timeout: opts.timeoutMs ?? 10_000,
        killSignal: "SIGKILL",
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { code: 127, stdout: "", stderr: `${argv[0]}: command not found` };
      return { code: 126, stdout: "", stderr: `${argv[0]}: ${(e as Error).message}` };
    }
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout as ReadableStream).text(),
      new Response(proc.stderr as ReadableStream).text(),
      proc.exited,
    ]);
    if (proc.signalCode === "SIGKILL") {
      return {
        code: 124,
        stdout,
        stderr: `${stderr}${argv[0]}: killed after ${opts.timeoutMs ?? 10_000} ms`,
      };
    }
    return { code, stdout, stderr };
  }

  async readFile(path: string): Promise<string | null> {
    try {
      return decoder.decode(await readFile(path));
    } catch {
      return null;
    }
  }

  async readLink(path: string): Promise<string | null> {
    try {
      return await readlink(path);
    } catch {
      return null;
    }
  }

  async listDir(path: string): Promise<string[] | null> {
    try {
      return await readdir(path);
    } catch {
      return null;
    }
  }

  now(): number {
    return performance.timeOrigin + performance.now();
  }

  async udpRequest(host: string, port: number, payload: Uint8Array, timeoutMs: number) {
    const { address, family } = await lookup(host);
    const socket = createSocket(family === 6 ? "udp6" : "udp4");
    try {
      return await new Promise<{ reply: Uint8Array; receivedAt: number }>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        socket.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        socket.once("message", (msg) => {
          const receivedAt = this.now();
          clearTimeout(timer);
          resolve({ reply: new Uint8Array(msg), receivedAt });
        });
        // Connected, so replies from anyone else are dropped by the kernel and the socket never
        // shows up as a bound listener in linux.listening-ports running alongside.
        socket.connect(port, address, () => socket.send(payload));
      });
    } finally {
      socket.close();
    }
  }

  hostname(): string {
    return hostname();
  }
}
