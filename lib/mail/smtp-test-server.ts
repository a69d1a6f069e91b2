/**
 * A loopback SMTP receiver for tests: speaks enough real SMTP for a client (EHLO, STARTTLS, AUTH
 * PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT), optionally over implicit TLS or with STARTTLS (node:tls,
 * with the certificate it is given), and keeps what it received. Not a relay; never used in production.
 */
import { createServer, type Server, type Socket } from "node:net";
import { TLSSocket } from "node:tls";

/** A message as received: envelope, raw DATA (dot-unstuffed), and how the session was protected. */
export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  auth?: string;
  /** The session was encrypted when the message was sent. */
  tls: boolean;
}

export interface SmtpTestServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Every command line received, with whether it came over TLS (to show nothing secret went in the clear). */
  commands: { line: string; tls: boolean }[];
  /** Resolves with the next message received. */
  next(): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** The text body of a received single-part message, its transfer encoding undone. */
export function bodyText(m: ReceivedMail): string {
  const split = m.data.indexOf("\r\n\r\n");
  const head = m.data.slice(0, split);
  const body = m.data.slice(split + 4);
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
  if (encoding !== "quoted-printable") return body;
  const bytes = body
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** A certificate and its key (PEM). */
export interface TestCert {
  cert: string;
  key: string;
}

/**
 * Start a receiver on 127.0.0.1 (random port). `refuseRcpt` answers 550 to RCPT for that address;
 * `starttls` offers STARTTLS with that certificate; `implicitTls` speaks TLS from the first byte.
 */
export async function startSmtpTestServer(
  opts: { refuseRcpt?: string; starttls?: TestCert; implicitTls?: TestCert } = {},
): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const commands: { line: string; tls: boolean }[] = [];
  const waiting: ((m: ReceivedMail) => void)[] = [];
  const sockets = new Set<Socket>();

  const session = (raw: Socket) => {
    raw.setNoDelay(true);
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    let sock: Socket = raw;
    let tls = false;
    let buf = "";
    let inData = false;
    let loginUser: string | null | undefined;
    let cur: ReceivedMail = { from: "", to: [], data: "", tls };
    const say = (l: string) => sock.write(`${l}\r\n`);
    const onLine = (line: string) => {
      if (inData) {
        if (line === ".") {
          inData = false;
          received.push(cur);
          waiting.shift()?.(cur);
          cur = { from: "", to: [], data: "", tls };
          say("250 queued");
        } else cur.data += `${line.startsWith("..") ? line.slice(1) : line}\r\n`;
        return;
      }
      commands.push({ line, tls });
      if (loginUser !== undefined) {
        // AUTH LOGIN: user, then password, each base64 on its own line.
        const text = Buffer.from(line, "base64").toString("utf8");
        if (loginUser === null) {
          loginUser = text;
          say("334 UGFzc3dvcmQ6");
        } else {
          cur.auth = `\u0000${loginUser}\u0000${text}`;
          loginUser = undefined;
          say("235 ok");
        }
        return;
      }
      const verb = line.split(" ")[0]!.toUpperCase();
      if (verb === "EHLO" || verb === "HELO") {
        say("250-localhost");
        if (opts.starttls && !tls) say("250-STARTTLS");
        say("250 AUTH PLAIN LOGIN");
      } else if (verb === "STARTTLS" && opts.starttls && !tls) {
        say("220 ready to start TLS");
        sock.removeAllListeners("data");
        const secure = new TLSSocket(sock, { isServer: true, ...opts.starttls });
        sock = secure;
        tls = true;
        buf = "";
        cur = { from: "", to: [], data: "", tls };
        listen(secure);
      } else if (verb === "AUTH") {
        const [, mech, arg] = line.split(" ");
        if (mech?.toUpperCase() === "LOGIN") {
          loginUser = arg ? Buffer.from(arg, "base64").toString("utf8") : null;
          say(loginUser === null ? "334 VXNlcm5hbWU6" : "334 UGFzc3dvcmQ6");
        } else {
          cur.auth = Buffer.from(arg ?? "", "base64").toString("utf8");
          say("235 ok");
        }
      } else if (verb === "MAIL") {
        cur.from = /<(.*)>/.exec(line)?.[1] ?? "";
        say("250 ok");
      } else if (verb === "RCPT") {
        const to = /<(.*)>/.exec(line)?.[1] ?? "";
        if (to === opts.refuseRcpt) say("550 no such user");
        else {
          cur.to.push(to);
          say("250 ok");
        }
      } else if (verb === "DATA") {
        inData = true;
        say("354 go ahead");
      } else if (verb === "RSET" || verb === "NOOP") {
        say("250 ok");
      } else if (verb === "QUIT") {
        say("221 bye");
        sock.end();
      } else say("502 not implemented");
    };
    const listen = (s: Socket) => {
      s.setEncoding("utf8");
      s.on("data", (d: string) => {
        buf += d;
        for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          onLine(line);
        }
      });
      s.on("error", () => {});
    };
    if (opts.implicitTls) {
      const secure = new TLSSocket(raw, { isServer: true, ...opts.implicitTls });
      sock = secure;
      tls = true;
      cur.tls = true;
    }
    listen(sock);
    say("220 localhost test SMTP");
  };

  const server: Server = createServer(session);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${opts.implicitTls ? "smtps" : "smtp"}://127.0.0.1:${port}`,
    port,
    received,
    commands,
    next: () => new Promise((r) => waiting.push(r)),
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
