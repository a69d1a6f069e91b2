/**
 * A minimal SMTP client (RFC 5321): EHLO, optional AUTH PLAIN, MAIL FROM, RCPT TO, DATA with
 * dot-stuffing, QUIT. Plain TCP for `smtp://` (a relay on the LAN or loopback), implicit TLS for
 * `smtps://`. Enough to send a sign-in link; no attachments, no pipelining.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** A plain-text message. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** An SMTP server refused a step, or the connection failed; says which step and what it answered. */
export class SmtpError extends Error {
  override name = "SmtpError";
}

/** Where to send: parsed from `smtp://[user:pass@]host[:port]` or `smtps://…`. */
export interface SmtpTarget {
  host: string;
  port: number;
  tls: boolean;
  user?: string;
  pass?: string;
}

/** Parse an SMTP URL, naming what is wrong with a bad one. */
export function parseSmtpUrl(url: string): SmtpTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SmtpError(`SMTP URL "${url}" is not a URL (expected smtp://host:port)`);
  }
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    throw new SmtpError(`SMTP URL must start with smtp:// or smtps://, got ${u.protocol}//`);
  }
  const tls = u.protocol === "smtps:";
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : tls ? 465 : 25,
    tls,
    ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
  };
}

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;
const HEADER_SAFE = /^[^\r\n]*$/;

/** Build the RFC 5322 message text, dot-stuffed and CRLF-terminated, ready for DATA. */
export function formatMessage(m: MailMessage, date: Date, messageId: string): string {
  for (const [k, val] of Object.entries({ from: m.from, to: m.to, subject: m.subject })) {
    if (!HEADER_SAFE.test(val)) throw new SmtpError(`mail ${k} must not contain line breaks`);
  }
  const headers = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${messageId}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
  ];
  const body = m.text
    .replace(/\r?\n/g, "\r\n")
    .split("\r\n")
    .map((l) => (l.startsWith(".") ? `.${l}` : l))
    .join("\r\n");
  return `${headers.join("\r\n")}\r\n\r\n${body}\r\n.\r\n`;
}

/** Reads SMTP replies (possibly multi-line, `250-…` then `250 …`) off a socket. */
class ReplyReader {
  private buf = "";
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private failure: Error | null = null;

  constructor(socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf("\r\n"); i >= 0; i = this.buf.indexOf("\r\n")) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiters.splice(0)) w("");
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new SmtpError("SMTP server closed the connection")));
  }

  private line(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) =>
      this.waiters.push((x) => (this.failure && x === "" ? reject(this.failure) : resolve(x))),
    );
  }

  /** The next complete reply: its code and text lines. */
  async reply(): Promise<{ code: number; text: string }> {
    const parts: string[] = [];
    for (;;) {
      const l = await this.line();
      const m = /^(\d{3})([ -])(.*)$/.exec(l);
      if (!m) throw new SmtpError(`SMTP server sent a malformed reply: "${l.slice(0, 80)}"`);
      parts.push(m[3]!);
      if (m[2] === " ") return { code: Number(m[1]), text: parts.join(" ") };
    }
  }
}

/** Send one message; resolves when the server accepted it for delivery (250 after DATA). */
export async function sendMail(
  target: SmtpTarget,
  m: MailMessage,
  opts: { timeoutMs?: number; helo?: string } = {},
) {
  for (const a of [m.from, m.to]) {
    if (!ADDRESS.test(a)) throw new SmtpError(`"${a}" is not a plain e-mail address`);
  }
  const where = `${target.host}:${target.port}`;
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = target.tls
      ? tlsConnect({ host: target.host, port: target.port, servername: target.host }, () => resolve(s))
      : netConnect({ host: target.host, port: target.port }, () => resolve(s));
    s.once("error", (e) => reject(new SmtpError(`SMTP ${where}: cannot connect (${e.message})`)));
  });
  socket.setTimeout(opts.timeoutMs ?? 15_000, () =>
    socket.destroy(new SmtpError(`SMTP ${where}: no answer within ${opts.timeoutMs ?? 15_000} ms`)),
  );
  const r = new ReplyReader(socket);
  const step = async (what: string, cmd: string | null, ok: number[]) => {
    if (cmd !== null) socket.write(`${cmd}\r\n`);
    const rep = await r.reply();
    if (!ok.includes(rep.code))
      throw new SmtpError(`SMTP ${where}: ${what} refused: ${rep.code} ${rep.text}`);
    return rep;
  };
  try {
    await step("greeting", null, [220]);
    await step("EHLO", `EHLO ${opts.helo ?? "malachor"}`, [250]);
    if (target.user !== undefined) {
      const plain = Buffer.from(`\u0000${target.user}\u0000${target.pass ?? ""}`).toString("base64");
      await step("AUTH PLAIN", `AUTH PLAIN ${plain}`, [235]);
    }
    await step("MAIL FROM", `MAIL FROM:<${m.from}>`, [250]);
    await step("RCPT TO", `RCPT TO:<${m.to}>`, [250, 251]);
    await step("DATA", "DATA", [354]);
    const domain = m.from.split("@")[1] ?? "malachor";
    socket.write(formatMessage(m, new Date(), `${crypto.randomUUID()}@${domain}`));
    await step("message", null, [250]);
    socket.write("QUIT\r\n");
  } finally {
    socket.end();
  }
}
