/**
 * The WinRM test server: WS-Man SOAP on /wsman over HTTP with NTLMv2 + sealing (or HTTPS with
 * Basic), backed by simulated Windows state, plus a loopback control API under /_sim/.
 */

import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import {
  ENCRYPTED_CONTENT_TYPE,
  isEncrypted,
  unwrapEncrypted,
  wrapEncrypted,
} from "../../agent/src/winrm/envelope.ts";
import {
  AV,
  challengeMessage,
  encodeAvPairs,
  fileTime,
  parseNegotiate,
  serverFlags,
  utf16,
  verifyAuthenticate,
} from "../../agent/src/winrm/ntlm.ts";
import { SessionSecurity } from "../../agent/src/winrm/sealing.ts";
import { clearLog, writeEvents } from "./events.ts";
import { type HttpRequest, type HttpResponse, serveHttp } from "./http.ts";
import { defaultState, mergeState, type WindowsState } from "./state.ts";
import { defaultFaults, type Faults, WsManService } from "./wsman.ts";

/** How to start the server. */
export interface WinRmServerOptions {
  user: string;
  password: string;
  port?: number;
  /** Loopback address to listen on (default 127.0.0.1; another 127.x.y.z gives a second host its own name). */
  hostname?: string;
  state?: WindowsState;
  /** Serve HTTPS with Basic auth instead of HTTP with NTLM. */
  tls?: { key: string; cert: string };
}

/** A running server. */
export interface WinRmServer {
  port: number;
  url: string;
  state: WindowsState;
  faults: Faults;
  wsman: WsManService;
  /** Every Authorization failure reason, for tests. */
  authFailures: string[];
  /** Remote shells open now and created so far (also `GET /_sim/shells`). */
  shells(): { open: number; created: number };
  /** Drop every open connection (their NTLM sessions die with them), as an idle timeout would. */
  dropConnections(): void;
  close(): Promise<void>;
}

interface Conn {
  negotiate?: Buffer;
  challenge?: Buffer;
  serverChallenge?: Buffer;
  security?: SessionSecurity;
  user?: string;
}

const json = (status: number, v: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(v),
});

function sameUser(configured: string, user: string, domain: string): boolean {
  const c = configured.includes("\\") ? configured.split("\\") : ["", configured];
  if (c[1]?.toLowerCase() !== user.toLowerCase()) return false;
  return !c[0] || !domain || c[0].toLowerCase() === domain.toLowerCase();
}

/** Start a server on 127.0.0.1 or the given loopback address (port 0 = any free port). */
export async function startWinRmServer(opts: WinRmServerOptions): Promise<WinRmServer> {
  const self = {
    state: opts.state ?? defaultState(),
    faults: defaultFaults(),
    authFailures: [] as string[],
  } as WinRmServer;
  const unauthorized = (): HttpResponse => ({
    status: 401,
    headers: { "www-authenticate": opts.tls ? 'Basic realm="WSMAN"' : "Negotiate" },
  });

  async function control(req: HttpRequest): Promise<HttpResponse> {
    const body = req.body.length ? JSON.parse(req.body.toString("utf8")) : {};
    switch (`${req.method} ${req.path}`) {
      case "GET /_sim/state":
        return json(200, self.state);
      case "POST /_sim/state":
        self.state = mergeState(self.state, body);
        return json(200, self.state);
      case "PUT /_sim/state":
        self.state = body as WindowsState;
        return json(200, self.state);
      case "POST /_sim/reset":
        self.state = opts.state ? structuredClone(opts.state) : defaultState(self.state.hostname);
        Object.assign(self.faults, defaultFaults());
        return json(200, self.state);
      case "POST /_sim/events": {
        // {"log": "Security", "events": [{"id": 4625, "provider": "…", "data": [...]}], "clear": false}
        const log = self.state.events[body.log];
        if (!log) return json(404, { error: `no event log ${body.log}` });
        if (body.clear) clearLog(self.state.events, body.log, String(body.by ?? "Administrator"));
        writeEvents(log, Array.isArray(body.events) ? body.events : []);
        return json(200, { nextRecordId: log.nextRecordId, records: log.records.length });
      }
      case "GET /_sim/shells":
        return json(200, self.shells());
      case "GET /_sim/faults":
        return json(200, self.faults);
      case "POST /_sim/faults":
        Object.assign(self.faults, body);
        return json(200, self.faults);
      default:
        return json(404, { error: `no control endpoint ${req.method} ${req.path}` });
    }
  }

  async function soap(req: HttpRequest, conn: Conn, user: string): Promise<HttpResponse> {
    let xml: string;
    if (conn.security) {
      if (!isEncrypted(req.headers["content-type"])) {
        return {
          status: 400,
          headers: { "content-type": "text/plain" },
          body: "unencrypted traffic is disabled (AllowUnencrypted=false)",
        };
      }
      xml = unwrapEncrypted(conn.security, req.body).toString("utf8");
    } else xml = req.body.toString("utf8");
    const reply = await self.wsman.handle(xml, user);
    if (conn.security) {
      return {
        status: reply.status,
        headers: { "content-type": ENCRYPTED_CONTENT_TYPE },
        body: wrapEncrypted(conn.security, Buffer.from(reply.xml, "utf8")),
      };
    }
    return {
      status: reply.status,
      headers: { "content-type": "application/soap+xml;charset=UTF-8" },
      body: reply.xml,
    };
  }

  async function handle(req: HttpRequest, conn: Conn): Promise<HttpResponse | "hang"> {
    if (req.path.startsWith("/_sim/")) return control(req);
    if (req.path.split("?")[0]?.toLowerCase() !== "/wsman" || req.method !== "POST") return { status: 404 };
    if (self.faults.delayMs > 0) await new Promise((r) => setTimeout(r, self.faults.delayMs));
    if (self.faults.http500 > 0) {
      self.faults.http500--;
      return {
        status: 500,
        headers: { "content-type": "text/html" },
        body: "<html><body>Internal Server Error</body></html>",
      };
    }
    const auth = req.headers.authorization ?? "";
    if (opts.tls) {
      const m = /^Basic\s+(\S+)$/i.exec(auth);
      const [user, ...rest] = m
        ? Buffer.from(m[1] as string, "base64")
            .toString("utf8")
            .split(":")
        : [];
      if (
        !user ||
        !sameUser(
          opts.user,
          user.split("\\").pop() as string,
          user.includes("\\") ? (user.split("\\")[0] as string) : "",
        ) ||
        rest.join(":") !== opts.password
      ) {
        self.authFailures.push("basic credentials rejected");
        return unauthorized();
      }
      return soap(req, conn, user);
    }
    const m = /^(Negotiate|NTLM)\s+(\S+)$/i.exec(auth);
    if (m) {
      const token = Buffer.from(m[2] as string, "base64");
      const type = token.length >= 12 ? token.readUInt32LE(8) : 0;
      if (type === 1) {
        const neg = parseNegotiate(token);
        const serverChallenge = randomBytes(8);
        const nb = self.state.hostname.toUpperCase();
        const dom = self.state.domain.toUpperCase();
        const info = encodeAvPairs([
          { id: AV.NB_DOMAIN, value: utf16(dom) },
          { id: AV.NB_COMPUTER, value: utf16(nb) },
          { id: AV.DNS_DOMAIN, value: utf16(`${dom.toLowerCase()}.local`) },
          { id: AV.DNS_COMPUTER, value: utf16(`${nb.toLowerCase()}.${dom.toLowerCase()}.local`) },
          { id: AV.TIMESTAMP, value: fileTime(Date.now()) },
        ]);
        const flags = serverFlags(neg.flags);
        const challenge = challengeMessage({ flags, serverChallenge, targetName: dom, targetInfo: info });
        Object.assign(conn, {
          negotiate: token,
          challenge,
          serverChallenge,
          security: undefined,
          user: undefined,
        });
        return { status: 401, headers: { "www-authenticate": `Negotiate ${challenge.toString("base64")}` } };
      }
      if (type === 3 && conn.negotiate && conn.challenge && conn.serverChallenge) {
        const v = verifyAuthenticate({
          negotiate: conn.negotiate,
          challenge: conn.challenge,
          serverChallenge: conn.serverChallenge,
          authenticate: token,
          password: opts.password,
        });
        conn.negotiate = conn.challenge = conn.serverChallenge = undefined;
        if (!v.ok || !sameUser(opts.user, v.auth.user, v.auth.domain)) {
          self.authFailures.push(v.ok ? `unknown user ${v.auth.user}` : v.reason);
          return unauthorized();
        }
        conn.security = new SessionSecurity(v.exportedSessionKey, v.auth.flags, "server");
        conn.user = v.auth.domain ? `${v.auth.domain}\\${v.auth.user}` : v.auth.user;
        if (req.body.length === 0) return { status: 200 };
        return soap(req, conn, conn.user);
      }
      self.authFailures.push(`unexpected NTLM message type ${type}`);
      return unauthorized();
    }
    if (!conn.security || !conn.user) return unauthorized();
    return soap(req, conn, conn.user);
  }

  const { server, destroyAll } = serveHttp<Conn>(handle, () => ({}), opts.tls);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.hostname ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  self.port = port;
  self.url = `${opts.tls ? "https" : "http"}://${opts.hostname ?? "127.0.0.1"}:${port}/wsman`;
  self.wsman = new WsManService(() => self.state, self.faults, self.url);
  self.dropConnections = destroyAll;
  self.shells = () => ({
    open: self.wsman.shells.size,
    created: self.wsman.actions.filter((a) => a === "Create").length,
  });
  self.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections would hold close() open.
      destroyAll();
    });
  return self;
}
