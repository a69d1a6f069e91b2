/**
 * WinRM remote-shell client: create shell, run command, receive streamed output, signal, delete.
 * Keeps one shell per host and resets it when the server reports a quota fault or forgets it.
 */
import { WinRmFaultError, WinRmProtocolError, WinRmTimeoutError } from "./errors.ts";
import { powerShellCommands } from "./powershell.ts";
import {
  ACTION,
  commandBody,
  createBody,
  envelope,
  readCommandId,
  readReceive,
  readResponse,
  readShellId,
  receiveBody,
  signalBody,
} from "./soap.ts";
import { type WinRmAuth, type WinRmEndpoint, WinRmTransport } from "./transport.ts";

/** Connection and limit settings for one Windows host. */
export interface WinRmClientOptions extends WinRmEndpoint {
  auth: WinRmAuth;
  /** Seconds a Receive may be held by the server before it answers TimedOut (default 20). */
  operationTimeoutSec?: number;
  /** Largest response envelope we accept, in bytes (default 153600, the Windows default). */
  maxEnvelopeSize?: number;
  /** Default deadline for one command, in ms (default 120 000). */
  commandTimeoutMs?: number;
  /** Diagnostic lines; never given credentials. */
  log?: (line: string) => void;
}

/** Output of one finished command. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Per-call options. */
export interface RunOptions {
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives. */
  onOutput?: (stream: "stdout" | "stderr", chunk: Buffer) => void;
}

/** A WS-Man remote-shell client for one host. */
export class WinRmClient {
  readonly transport: WinRmTransport;
  readonly #opTimeoutSec: number;
  readonly #maxEnvelope: number;
  readonly #commandTimeoutMs: number;
  readonly #log: (line: string) => void;
  #shell: Promise<string> | undefined;

  constructor(opts: WinRmClientOptions) {
    this.#log = opts.log ?? (() => {});
    this.transport = new WinRmTransport(opts, opts.auth, this.#log);
    this.#opTimeoutSec = opts.operationTimeoutSec ?? 20;
    this.#maxEnvelope = opts.maxEnvelopeSize ?? 153_600;
    this.#commandTimeoutMs = opts.commandTimeoutMs ?? 120_000;
  }

  get where(): string {
    return this.transport.where;
  }

  async #call(
    action: string,
    body: string,
    opts: { shellId?: string; options?: Record<string, string>; timeoutMs?: number },
  ) {
    const xml = envelope(
      {
        to: this.transport.url,
        action,
        shellId: opts.shellId,
        options: opts.options,
        maxEnvelopeSize: this.#maxEnvelope,
        operationTimeoutSec: this.#opTimeoutSec,
      },
      body,
    );
    // The HTTP deadline leaves the server its full OperationTimeout plus slack to answer.
    const text = await this.transport.post(xml, opts.timeoutMs ?? this.#opTimeoutSec * 1000 + 10_000);
    return readResponse(text, this.where);
  }

  /** Create a cmd shell; returns its ShellId. */
  async createShell(timeoutMs?: number): Promise<string> {
    const doc = await this.#call(ACTION.create, createBody(), {
      options: { WINRS_NOPROFILE: "TRUE", WINRS_CODEPAGE: "65001" },
      timeoutMs,
    });
    const id = readShellId(doc);
    this.#log(`winrm: shell ${id} opened on ${this.where}`);
    return id;
  }

  /** Start a command in a shell; returns its CommandId. */
  async command(shellId: string, command: string, args: string[] = [], timeoutMs?: number): Promise<string> {
    const doc = await this.#call(ACTION.command, commandBody(command, args), {
      shellId,
      options: { WINRS_CONSOLEMODE_STDIN: "TRUE", WINRS_SKIP_CMD_SHELL: "FALSE" },
      timeoutMs,
    });
    return readCommandId(doc);
  }

  /**
   * Receive output until the command is done or the deadline passes. TimedOut faults are the
   * server's long-poll expiring and are simply retried.
   */
  async receive(
    shellId: string,
    commandId: string,
    deadline: number,
    onOutput?: RunOptions["onOutput"],
  ): Promise<CommandResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new WinRmTimeoutError(`winrm: command on ${this.where} did not finish in time`);
      let chunk: ReturnType<typeof readReceive>;
      try {
        const doc = await this.#call(ACTION.receive, receiveBody(commandId), {
          shellId,
          timeoutMs: Math.min(remaining, this.#opTimeoutSec * 1000 + 10_000),
        });
        chunk = readReceive(doc);
      } catch (e) {
        if (e instanceof WinRmFaultError && e.isOperationTimeout) continue;
        throw e;
      }
      if (chunk.stdout.length) {
        out.push(chunk.stdout);
        onOutput?.("stdout", chunk.stdout);
      }
      if (chunk.stderr.length) {
        err.push(chunk.stderr);
        onOutput?.("stderr", chunk.stderr);
      }
      if (chunk.done) {
        return {
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          exitCode: chunk.exitCode ?? 0,
        };
      }
    }
  }

  /** Send a signal (terminate by default) to a command. */
  async signal(shellId: string, commandId: string, timeoutMs?: number): Promise<void> {
    await this.#call(ACTION.signal, signalBody(commandId), { shellId, timeoutMs });
  }

  /** Delete a shell. */
  async deleteShell(shellId: string, timeoutMs?: number): Promise<void> {
    await this.#call(ACTION.delete, "", { shellId, timeoutMs });
    this.#log(`winrm: shell ${shellId} closed on ${this.where}`);
  }

  #shellId(timeoutMs: number): Promise<string> {
    this.#shell ??= this.createShell(timeoutMs).catch((e) => {
      this.#shell = undefined;
      throw e;
    });
    return this.#shell;
  }

  async #resetShell(): Promise<void> {
    const old = this.#shell;
    this.#shell = undefined;
    const id = await old?.catch(() => undefined);
    if (id) await this.deleteShell(id, 10_000).catch(() => {});
  }

  /** Run one command line (through cmd) and collect its output. */
  async run(command: string, args: string[] = [], opts: RunOptions = {}): Promise<CommandResult> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.#commandTimeoutMs);
    const left = () => Math.max(1, Math.min(deadline - Date.now(), this.#opTimeoutSec * 1000 + 10_000));
    for (let attempt = 0; ; attempt++) {
      const shellId = await this.#shellId(left());
      let commandId: string;
      try {
        commandId = await this.command(shellId, command, args, left());
      } catch (e) {
        if (attempt === 0 && e instanceof WinRmFaultError && (e.isQuota || e.isShellGone)) {
          this.#log(
            `winrm: ${e.isQuota ? "quota fault" : "shell gone"} on ${this.where}; resetting the shell`,
          );
          await this.#resetShell();
          continue;
        }
        throw e;
      }
      try {
        const result = await this.receive(shellId, commandId, deadline, opts.onOutput);
        // Release the command on the server (as winrs does); its output is already ours.
        await this.signal(shellId, commandId, 5_000).catch(() => {});
        return result;
      } catch (e) {
        if (e instanceof WinRmTimeoutError) {
          await this.signal(shellId, commandId, 5_000).catch(() => {});
          throw new WinRmTimeoutError(
            `winrm: command on ${this.where} did not finish within ${opts.timeoutMs ?? this.#commandTimeoutMs} ms; it was terminated`,
          );
        }
        throw e;
      }
    }
  }

  /**
   * Run a PowerShell script. Short scripts go as one -EncodedCommand; longer ones are written to a
   * temp file in command-line-sized pieces first (cmd.exe caps a command line at 8191 characters).
   */
  async runPowerShell(script: string, opts: RunOptions = {}): Promise<CommandResult> {
    const steps = powerShellCommands(script);
    const deadline = Date.now() + (opts.timeoutMs ?? this.#commandTimeoutMs);
    for (const step of steps.slice(0, -1)) {
      const r = await this.run(step, [], { timeoutMs: Math.max(1, deadline - Date.now()) });
      if (r.exitCode !== 0) {
        // The temp directory is not writable or cmd refused the line: nothing ran yet.
        throw new WinRmProtocolError(
          `winrm: uploading a script to %TEMP% on ${this.where} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
        );
      }
    }
    return this.run(steps[steps.length - 1] as string, [], {
      ...opts,
      timeoutMs: Math.max(1, deadline - Date.now()),
    });
  }

  /** Delete the shell and close the connection. */
  async close(): Promise<void> {
    await this.#resetShell();
    await this.transport.close();
  }
}
