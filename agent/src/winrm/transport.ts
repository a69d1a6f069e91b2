/**
 * HTTP transport for WS-Man: one keep-alive undici connection per host (NTLM authenticates the
 * connection, not the request). NTLMv2 over HTTP seals every body; Basic is only allowed over
 * HTTPS, optionally pinned to a certificate's SHA-256 fingerprint.
 */
import type { TLSSocket } from "node:tls";
import type { Client } from "undici/index.js";
import { ENCRYPTED_CONTENT_TYPE, isEncrypted, unwrapEncrypted, wrapEncrypted } from "./envelope.ts";
import {
  WinRmAuthError,
  WinRmConnectError,
  WinRmError,
  WinRmHttpError,
  WinRmPlainHttpError,
  WinRmProtocolError,
  WinRmTimeoutError,
  WinRmTlsError,
} from "./errors.ts";
import { type NtlmError, negotiateMessage, respondToChallenge } from "./ntlm.ts";
import { type SealError, SessionSecurity } from "./sealing.ts";

type Undici = typeof import("undici/index.js");
let undiciModule: Promise<Undici> | undefined;
// undici is over 1 MB of code: load it on first use so an appliance without Windows hosts (and
// every CLI command but winrm/runbook) never pays its start-up time and memory.
const loadUndici = () => (undiciModule ??= import("undici/index.js"));

/** How to authenticate. Passwords stay inside the transport and never reach messages or logs. */
export type WinRmAuth =
  | { scheme: "ntlm"; user: string; password: string }
  | { scheme: "basic"; user: string; password: string; pinSha256?: string; caPem?: string };

/** Where the WinRM listener is. */
export interface WinRmEndpoint {
  host: string;
  /** Default 5985 for NTLM over HTTP, 5986 for HTTPS. */
  port?: number;
  https?: boolean;
}

/** Split `DOMAIN\user` or `user@domain` into its parts. */
export function splitUser(user: string): { user: string; domain: string } {
  const bs = user.indexOf("\\");
  if (bs >= 0) return { domain: user.slice(0, bs), user: user.slice(bs + 1) };
  const at = user.indexOf("@");
  if (at >= 0) return { user: user.slice(0, at), domain: user.slice(at + 1) };
  return { user, domain: "" };
}

/** Normalise a SHA-256 fingerprint written as hex with or without colons. */
export function normaliseFingerprint(fp: string): string {
  const hex = fp.replace(/[:\s]/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new WinRmTlsError(`pinned fingerprint "${fp}" is not a SHA-256 hex digest`);
  return hex;
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

// The TLS library read the server's first bytes as a record of an unknown version: they were an
// HTTP response (Windows' HTTP.sys answers a ClientHello with "HTTP/1.1 400 Bad Request").
const PLAIN_HTTP_CODES = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_HTTP_REQUEST"]);

/** Sends SOAP envelopes and returns response XML (fault bodies included, for the caller to type). */
export class WinRmTransport {
  readonly url: string;
  readonly where: string;
  readonly #auth: WinRmAuth;
  readonly #log: (line: string) => void;
  readonly #https: boolean;
  #client: Client | undefined;
  #security: SessionSecurity | undefined;
  // Concurrent first requests share one handshake (NTLM binds the session to the connection).
  #handshaking: Promise<void> | undefined;

  constructor(endpoint: WinRmEndpoint, auth: WinRmAuth, log: (line: string) => void = () => {}) {
    this.#https = endpoint.https ?? auth.scheme === "basic";
    if (auth.scheme === "basic" && !this.#https) {
      throw new WinRmError(
        "auth",
        "winrm: Basic authentication is only allowed over HTTPS (it would send the password in clear)",
      );
    }
    const port = endpoint.port ?? (this.#https ? 5986 : 5985);
    const host =
      endpoint.host.includes(":") && !endpoint.host.startsWith("[") ? `[${endpoint.host}]` : endpoint.host;
    this.url = `${this.#https ? "https" : "http"}://${host}:${port}/wsman`;
    this.where = `${endpoint.host}:${port}`;
    this.#auth = auth;
    this.#log = log;
  }

  /** The user name as configured (never the password). */
  get user(): string {
    return this.#auth.user;
  }

  /** Close the connection (the NTLM session dies with it). */
  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    this.#security = undefined;
    if (c) await c.close().catch(() => c.destroy());
  }

  #newClient({ Client, buildConnector }: Undici): Client {
    const origin = new URL(this.url).origin;
    if (!this.#https) return new Client(origin, { pipelining: 1, keepAliveTimeout: 30_000 });
    const auth = this.#auth;
    const pin = auth.scheme === "basic" && auth.pinSha256 ? normaliseFingerprint(auth.pinSha256) : undefined;
    const ca = auth.scheme === "basic" ? auth.caPem : undefined;
    const base = buildConnector({ rejectUnauthorized: !pin, ...(ca ? { ca } : {}) });
    const where = this.where;
    return new Client(origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: (opts, cb) =>
        base(opts, (err, socket) => {
          if (err || !socket || !pin) return cb(err as Error, socket as never);
          const cert = (socket as TLSSocket).getPeerCertificate();
          const got = String(cert?.fingerprint256 ?? "")
            .replace(/:/g, "")
            .toLowerCase();
          if (got === pin) return cb(null, socket);
          socket.destroy();
          cb(
            new WinRmTlsError(
              `winrm: TLS certificate of ${where} has SHA-256 ${got || "(none)"}, not the pinned ${pin} — wrong host or the certificate changed; re-pin only after checking it`,
              got,
            ),
            null,
          );
        }),
    });
  }

  async #request(body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<RawResponse> {
    const undici = await loadUndici();
    this.#client ??= this.#newClient(undici);
    try {
      const res = await this.#client.request({
        method: "POST",
        path: "/wsman",
        headers: { ...headers, "content-length": String(body.length) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const buf = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body: buf };
    } catch (e) {
      // A failed request leaves the connection (and any NTLM session on it) in an unknown state.
      await this.close();
      throw this.#mapError(e, timeoutMs);
    }
  }

  #mapError(e: unknown, timeoutMs: number): WinRmError {
    if (e instanceof WinRmError) return e;
    const err = e as {
      code?: string;
      name?: string;
      message?: string;
      cause?: { code?: string; message?: string };
    };
    if (err.cause instanceof WinRmError) return err.cause;
    const code = err.code ?? err.cause?.code ?? "";
    const name = err.name ?? "";
    if (code === "ECONNREFUSED") {
      return new WinRmConnectError(
        "connect",
        `winrm: connection refused by ${this.where} — is the WinRM listener enabled (winrm quickconfig) and the port open in the host's firewall?`,
        e,
      );
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "DNSException") {
      return new WinRmConnectError(
        "dns",
        `winrm: host name "${this.where.replace(/:\d+$/, "")}" does not resolve — check the name or use an IP address`,
        e,
      );
    }
    if (
      name === "TimeoutError" ||
      name === "AbortError" ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      code === "UND_ERR_CONNECT_TIMEOUT" ||
      code === "UND_ERR_ABORTED" ||
      code === "ETIMEDOUT"
    ) {
      return new WinRmTimeoutError(`winrm: ${this.where} did not answer within ${timeoutMs} ms`);
    }
    if (PLAIN_HTTP_CODES.has(code) || /WRONG_VERSION_NUMBER|wrong version number/i.test(err.message ?? "")) {
      return new WinRmPlainHttpError(
        `winrm: ${this.where} speaks plain HTTP, not HTTPS — for this port use transport = "http-ntlm" (NTLM over HTTP, sealed), or point at the host's HTTPS listener (usually port 5986)`,
      );
    }
    if (TLS_CODES.has(code) || /certificate|self[- ]signed|SSL|TLS/i.test(err.message ?? "")) {
      return new WinRmTlsError(
        `winrm: TLS certificate of ${this.where} is not trusted (${code || err.message}) — pin its SHA-256 fingerprint (see \`malachor winrm test\`) or install the issuing CA`,
      );
    }
    if (
      code === "ECONNRESET" ||
      code === "UND_ERR_SOCKET" ||
      code === "EHOSTUNREACH" ||
      code === "ENETUNREACH"
    ) {
      return new WinRmConnectError("connect", `winrm: connection to ${this.where} failed (${code})`, e);
    }
    return new WinRmConnectError(
      "connect",
      `winrm: request to ${this.where} failed: ${err.message ?? String(e)}`,
      e,
    );
  }

  async #handshake(timeoutMs: number): Promise<void> {
    const auth = this.#auth;
    if (auth.scheme !== "ntlm") return;
    const { user, domain } = splitUser(auth.user);
    const negotiate = negotiateMessage();
    const r1 = await this.#request(
      Buffer.alloc(0),
      { authorization: `Negotiate ${negotiate.toString("base64")}` },
      timeoutMs,
    );
    const token = authToken(r1.headers["www-authenticate"]);
    if (r1.status !== 401 || !token) {
      if (r1.status >= 500) throw this.#httpError(r1.status, r1.body);
      throw new WinRmAuthError(
        `winrm: ${this.where} did not offer an NTLM challenge (HTTP ${r1.status}) — is Negotiate authentication enabled on the listener?`,
      );
    }
    let reply: ReturnType<typeof respondToChallenge>;
    try {
      reply = respondToChallenge({ negotiate, challenge: token, user, domain, password: auth.password });
    } catch (e) {
      throw new WinRmProtocolError(
        `winrm: ${this.where} sent an unusable NTLM challenge: ${(e as NtlmError).message}`,
        e,
      );
    }
    const r2 = await this.#request(
      Buffer.alloc(0),
      { authorization: `Negotiate ${reply.message.toString("base64")}` },
      timeoutMs,
    );
    if (r2.status === 401) {
      await this.close();
      throw new WinRmAuthError(
        `winrm: 401 from ${this.where} — NTLM credentials rejected for ${auth.user} (wrong password, locked account, or user not allowed to use WinRM)`,
      );
    }
    if (r2.status >= 300) throw this.#httpError(r2.status, r2.body);
    this.#security = new SessionSecurity(reply.exportedSessionKey, reply.flags, "client");
    this.#log(`winrm: NTLM session established with ${this.where} as ${auth.user}`);
  }

  #httpError(status: number, body: Buffer): WinRmHttpError {
    const excerpt = body.toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
    return new WinRmHttpError(
      status,
      `winrm: HTTP ${status} from ${this.where}${excerpt ? `: ${excerpt}` : ""} — the WinRM service or a proxy in front of it failed; check the host's event log (Microsoft-Windows-WinRM)`,
    );
  }

  /** POST one SOAP envelope; returns the response XML (200, or 500 carrying a SOAP fault). */
  async post(soap: string, timeoutMs: number): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.#post(Buffer.from(soap, "utf8"), timeoutMs);
      if (res !== "reauth") return res;
      if (attempt > 0) {
        throw new WinRmAuthError(
          `winrm: 401 from ${this.where} after re-authenticating — credentials for ${this.#auth.user} are no longer accepted`,
        );
      }
    }
  }

  async #post(plain: Buffer, timeoutMs: number): Promise<string | "reauth"> {
    const auth = this.#auth;
    let res: RawResponse;
    if (auth.scheme === "ntlm") {
      if (!this.#security) {
        this.#handshaking ??= this.#handshake(timeoutMs).finally(() => {
          this.#handshaking = undefined;
        });
        await this.#handshaking;
      }
      const security = this.#security as SessionSecurity;
      res = await this.#request(
        wrapEncrypted(security, plain),
        { "content-type": ENCRYPTED_CONTENT_TYPE },
        timeoutMs,
      );
      if (res.status === 401) {
        // The server dropped our session (connection recycled): authenticate again once.
        await this.close();
        return "reauth";
      }
    } else {
      const basic = Buffer.from(`${auth.user}:${auth.password}`).toString("base64");
      res = await this.#request(
        plain,
        { "content-type": "application/soap+xml;charset=UTF-8", authorization: `Basic ${basic}` },
        timeoutMs,
      );
      if (res.status === 401) {
        throw new WinRmAuthError(
          `winrm: 401 from ${this.where} — Basic credentials rejected for ${auth.user} (wrong password, or Basic auth disabled on the listener)`,
        );
      }
    }
    let text: string;
    const ct = headerValue(res.headers["content-type"]);
    if (isEncrypted(ct)) {
      if (!this.#security)
        throw new WinRmProtocolError(`winrm: ${this.where} sent an encrypted body outside an NTLM session`);
      try {
        text = unwrapEncrypted(this.#security, res.body).toString("utf8");
      } catch (e) {
        await this.close();
        throw new WinRmProtocolError(
          `winrm: sealed response from ${this.where} failed verification: ${(e as SealError).message}`,
          e,
        );
      }
    } else {
      text = res.body.toString("utf8");
    }
    if (res.status === 200) return text;
    if (res.status === 500 && text.includes("Fault")) return text;
    throw this.#httpError(res.status, Buffer.from(text));
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(", ") : h;
}

/** The NTLM token in a `WWW-Authenticate: Negotiate <b64>` (or NTLM) header, if any. */
function authToken(h: string | string[] | undefined): Buffer | undefined {
  for (const v of (headerValue(h) ?? "").split(",")) {
    const m = /^\s*(?:Negotiate|NTLM)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(v);
    if (m) return Buffer.from(m[1] as string, "base64");
  }
  return undefined;
}
