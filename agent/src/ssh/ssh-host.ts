/**
 * A `Host` on the other end of an SSH connection. Answers come from the scan's snapshot (one
 * combined script); anything the snapshot lacks — a file named only in a directory listing the
 * script just returned — is fetched live with a one-request script on the same connection and
 * remembered in `misses`, so the next scan's script includes it.
 */

import { randomBytes } from "node:crypto";
import type { CommandResult, Host } from "../checks/host.ts";
import { RealHost } from "../checks/real-host.ts";
import type { SshSession } from "./connection.ts";
import { parseScanOutput, type Request, requestKey, type Snapshot, scanScript } from "./scan-script.ts";

/** Limits of live fetches. */
export interface SshHostLimits {
  commandTimeoutMs: number;
  maxBytes: number;
}

/** Run a scan script for `requests` on a session and parse it. */
export async function gather(
  session: SshSession,
  requests: readonly Request[],
  limits: SshHostLimits,
): Promise<Snapshot> {
  const boundary = `malachor-${randomBytes(16).toString("hex")}`;
  const r = await session.exec("/bin/sh -s", {
    stdin: scanScript(requests, limits.commandTimeoutMs / 1000, boundary),
    timeoutMs: limits.commandTimeoutMs,
    maxBytes: limits.maxBytes,
  });
  if (r.code !== 0) throw new Error(`scan script exited ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
  return parseScanOutput(r.stdout, requests, boundary);
}

/** The remote machine as a `Host`; its clock is the appliance's corrected by the measured offset. */
export class SshHost implements Host {
  /** Requests answered live (not in the snapshot). */
  readonly misses: Request[] = [];
  readonly #local = new RealHost();
  readonly #offsetMs: number;

  constructor(
    private readonly session: SshSession,
    private readonly snapshot: Snapshot,
    private readonly limits: SshHostLimits,
    /** The appliance's clock when the snapshot's script started (its clock is then compared). */
    localClockAtStartMs: number,
  ) {
    this.#offsetMs = Number.isNaN(snapshot.hostClockMs) ? 0 : snapshot.hostClockMs - localClockAtStartMs;
  }

  #pending: { q: Request; done: (r: CommandResult) => void; fail: (e: Error) => void }[] = [];

  // Asks the snapshot lacks are batched: everything asked in the same turn of the event loop (a
  // check reading every file of a directory at once) goes in one live script.
  #ask(q: Request): Promise<CommandResult> {
    const known = this.snapshot.results.get(requestKey(q));
    if (known) return Promise.resolve(known);
    return new Promise((done, fail) => {
      if (this.#pending.push({ q, done, fail }) === 1) setTimeout(() => this.#flush(), 0);
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending.splice(0);
    const asks = [...new Map(batch.map((b) => [requestKey(b.q), b.q])).values()];
    this.misses.push(...asks);
    try {
      const got = await gather(this.session, asks, this.limits);
      for (const [k, r] of got.results) this.snapshot.results.set(k, r);
      for (const b of batch)
        b.done(got.results.get(requestKey(b.q)) ?? { code: 1, stdout: "", stderr: "no result" });
    } catch (e) {
      for (const b of batch) b.fail(e as Error);
    }
  }

  run(argv: readonly string[]): Promise<CommandResult> {
    return this.#ask({ kind: "run", argv });
  }

  async readFile(path: string): Promise<string | null> {
    const r = await this.#ask({ kind: "file", path });
    return r.code === 0 ? r.stdout : null;
  }

  async readLink(path: string): Promise<string | null> {
    const r = await this.#ask({ kind: "link", path });
    return r.code === 0 ? r.stdout.trim() : null;
  }

  async listDir(path: string): Promise<string[] | null> {
    const r = await this.#ask({ kind: "dir", path });
    return r.code === 0 ? r.stdout.split("\n").filter((n) => n !== "") : null;
  }

  now(): number {
    return this.#local.now() + this.#offsetMs;
  }

  /** Sent from the appliance (the host's clock is what is compared, through `now`). */
  async udpRequest(host: string, port: number, payload: Uint8Array, timeoutMs: number) {
    const r = await this.#local.udpRequest(host, port, payload, timeoutMs);
    return { reply: r.reply, receivedAt: r.receivedAt + this.#offsetMs };
  }

  hostname(): string {
    return this.snapshot.hostname;
  }
}

/**
 * A `Host` that answers nothing (no program, no file) and records what it was asked: running the
 * checks against it lists the requests of a first scan's script without touching any machine.
 */
export class RecordingHost implements Host {
  readonly requests: Request[] = [];
  async run(argv: readonly string[]): Promise<CommandResult> {
    this.requests.push({ kind: "run", argv: [...argv] });
    return { code: 127, stdout: "", stderr: `${argv[0]}: command not found` };
  }
  async readFile(path: string): Promise<string | null> {
    this.requests.push({ kind: "file", path });
    return null;
  }
  async readLink(path: string): Promise<string | null> {
    this.requests.push({ kind: "link", path });
    return null;
  }
  async listDir(path: string): Promise<string[] | null> {
    this.requests.push({ kind: "dir", path });
    return null;
  }
  now(): number {
    return Date.now();
  }
  udpRequest(host: string, port: number): Promise<never> {
    return Promise.reject(new Error(`recording only: no UDP to ${host}:${port}`));
  }
  hostname(): string {
    return "recording";
  }
}
