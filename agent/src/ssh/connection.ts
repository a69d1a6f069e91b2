/**
 * One SSH connection to a target over the `ssh2` package (never the `ssh` program): Ed25519 key
 * authentication (a password only when the site allows it), the host key shown to a caller-given
 * verifier before authentication, a connect timeout covering TCP, handshake and authentication,
 * and commands with a time limit and an output cap. Each command is one exec channel on the
 * connection, so a scan pays the handshake once.
 */
import { createHash } from "node:crypto";
import type { Client, ClientChannel } from "ssh2";
import { readSecretFile } from "../config/secret.ts";
import type { SshTarget } from "./target.ts";

/** The host key a server presented. */
export interface HostKeySeen {
  /** OpenSSH form: `SHA256:` and unpadded base64 of the SHA-256 of the key blob. */
  fingerprint: string;
  /** e.g. `ssh-ed25519`. */
  keyType: string;
}

/** What the verifier decided about a presented host key. */
export type HostKeyVerdict = { accept: true } | { accept: false; reason: string };

/** How to connect. */
export interface ConnectOptions {
  connectTimeoutMs: number;
  /** Whether `password` auth may be used (the site's `[ssh] allow_password`). */
  allowPassword: boolean;
  /** Called with the presented key before any credential is sent. */
  verifyHostKey(seen: HostKeySeen): HostKeyVerdict;
}

/** Output of one command. `code` 124: killed at its time limit. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A failure reaching or talking to a host; the message names host, port and what to do. */
export class SshError extends Error {
  override name = "SshError";
  constructor(
    message: string,
    /** `unreachable`: the host did not answer (off, wrong address); `auth`, `protocol` otherwise. */
    readonly kind: "unreachable" | "auth" | "protocol" | "output",
  ) {
    super(message);
  }
}

/** The server presented a host key the verifier refused (a changed key). Nothing was sent. */
export class HostKeyRefusedError extends SshError {
  override name = "HostKeyRefusedError";
  constructor(
    message: string,
    readonly seen: HostKeySeen,
  ) {
    super(message, "auth");
  }
}

/** OpenSSH's fingerprint of a host key blob, and its type (the blob's first string). */
export function hostKeySeen(blob: Buffer): HostKeySeen {
  const fingerprint = `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const keyType =
    len > 0 && len < 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString("latin1") : "unknown";
  return { fingerprint, keyType };
}

/** `ssh2` with its crypto, zlib and HTTP-agent modules, loaded on the first connection: a daemon
 * without SSH hosts never holds it (bench/rss.bench.ts). */
const loadSsh2 = () => import("ssh2");

function credentials(
  target: SshTarget,
  allowPassword: boolean,
  utils: Awaited<ReturnType<typeof loadSsh2>>["utils"],
): { privateKey: string; passphrase?: string } | { password: string } {
  const where = `${target.user}@${target.host}:${target.port}`;
  const auth = target.auth;
  if (auth.kind === "password" || auth.kind === "password-in-memory") {
    if (!allowPassword)
      throw new SshError(
        `ssh: ${where} — password authentication is not allowed ([ssh] allow_password)`,
        "auth",
      );
    return {
      password:
        auth.kind === "password"
          ? readSecretFile(auth.passwordFile, `SSH password file of ${target.host}`)
          : auth.password(),
    };
  }
  const source = auth.kind === "key" ? `key file ${auth.keyFile}` : "the key entered in the cloud";
  const privateKey =
    auth.kind === "key"
      ? `${readSecretFile(auth.keyFile, `SSH key file of ${target.host}`)}\n`
      : `${auth.privateKey().trim()}\n`;
  const passphrase = auth.kind === "key-in-memory" ? auth.passphrase?.() : undefined;
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error)
    throw new SshError(`ssh: ${where} — ${source} is not a usable private key: ${parsed.message}`, "auth");
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key?.type !== "ssh-ed25519")
    throw new SshError(
      `ssh: ${where} — ${source} holds a ${key?.type ?? "unknown"} key; use Ed25519 (ssh-keygen -t ed25519)`,
      "auth",
    );
  return passphrase ? { privateKey, passphrase } : { privateKey };
}

/** Connect, check the host key and authenticate; rejects with SshError / HostKeyRefusedError. */
export async function connectSsh(target: SshTarget, opts: ConnectOptions): Promise<SshSession> {
  const where = `${target.user}@${target.host}:${target.port}`;
  const { Client, utils } = await loadSsh2();
  const creds = credentials(target, opts.allowPassword, utils);
  return await new Promise((resolve, reject) => {
    const client = new Client();
    let seen: HostKeySeen | undefined;
    let refused: HostKeyRefusedError | undefined;
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      reject(e);
    };
    // ssh2's readyTimeout covers only the handshake; this one covers TCP connect and auth too.
    const timer = setTimeout(
      () => fail(new SshError(`ssh: ${where} — no answer within ${opts.connectTimeoutMs} ms`, "unreachable")),
      opts.connectTimeoutMs,
    );
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(new SshSession(client, seen as HostKeySeen, where));
    });
    client.on("error", (e: Error & { level?: string; code?: string }) => {
      if (refused) return fail(refused);
      const kind =
        e.level === "client-authentication"
          ? "auth"
          : e.level === "client-socket" || e.level === "client-timeout"
            ? "unreachable"
            : "protocol";
      const hint = kind === "auth" ? " — the key or password was refused" : "";
      fail(new SshError(`ssh: ${where}${hint}: ${e.message}`, kind));
    });
    client.on("close", () =>
      fail(refused ?? new SshError(`ssh: ${where} — connection closed before login`, "protocol")),
    );
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      ...creds,
      readyTimeout: opts.connectTimeoutMs,
      hostVerifier: (blob: Buffer) => {
        seen = hostKeySeen(blob);
        const verdict = opts.verifyHostKey(seen);
        if (!verdict.accept) refused = new HostKeyRefusedError(`ssh: ${where} — ${verdict.reason}`, seen);
        return verdict.accept;
      },
    });
  });
}

/** An authenticated connection; `exec` may be called concurrently (one channel each). */
export class SshSession {
  #closed = false;
  constructor(
    private readonly client: Client,
    /** The host key the server presented (already accepted). */
    readonly hostKey: HostKeySeen,
    private readonly where: string,
  ) {
    client.on("close", () => {
      this.#closed = true;
    });
  }

  /** Whether the connection is still usable. */
  get open(): boolean {
    return !this.#closed;
  }

  /**
   * Run a command line through the login shell. Past `timeoutMs` the channel is closed and the
   * result has code 124; past `maxBytes` of output it is closed and the promise rejects.
   */
  exec(command: string, opts: { timeoutMs: number; maxBytes: number; stdin?: string }): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel: ClientChannel) => {
        if (err)
          return reject(
            new SshError(`ssh: ${this.where} — cannot start a command: ${err.message}`, "protocol"),
          );
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let bytes = 0;
        let done = false;
        const finish = (f: () => void) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          f();
        };
        const text = (b: Buffer[]) => Buffer.concat(b).toString("utf8");
        const timer = setTimeout(
          () =>
            finish(() => {
              channel.close();
              resolve({
                code: 124,
                stdout: text(out),
                stderr: `${text(errs)}killed after ${opts.timeoutMs} ms`,
              });
            }),
          opts.timeoutMs,
        );
        const take = (into: Buffer[]) => (d: Buffer) => {
          bytes += d.length;
          if (bytes > opts.maxBytes) {
            return finish(() => {
              channel.close();
              reject(
                new SshError(`ssh: ${this.where} — output passed ${opts.maxBytes} bytes; stopped`, "output"),
              );
            });
          }
          into.push(d);
        };
        channel.on("data", take(out));
        channel.stderr.on("data", take(errs));
        channel.on("close", (code: number | null, signal?: string) =>
          finish(() =>
            resolve({ code: code ?? (signal ? 128 : 255), stdout: text(out), stderr: text(errs) }),
          ),
        );
        if (opts.stdin !== undefined) channel.end(opts.stdin);
        else channel.end();
      });
    });
  }

  /** Close the connection. */
  close(): void {
    if (!this.#closed) this.client.end();
    this.#closed = true;
  }
}
