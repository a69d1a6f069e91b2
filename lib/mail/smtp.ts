/**
 * Sending mail over SMTP with nodemailer. TLS is required for every server but loopback: implicit
 * TLS for `smtps://`, STARTTLS (refused if the server does not offer it) for `smtp://`, with the
 * server's certificate verified — so credentials and sign-in links never cross a network in the
 * clear. On loopback (a relay on the same machine) STARTTLS is used when offered.
 */
import { isIP } from "node:net";

/** A plain-text message. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** An SMTP server refused a step, the connection or TLS failed, or a setting is wrong; says which. */
export class SmtpError extends Error {
  override name = "SmtpError";
}

/** Where and how to send: parsed from `smtp://[user:pass@]host[:port]` or `smtps://…`. */
export interface SmtpTarget {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (`smtps://`). */
  tls: boolean;
  /** STARTTLS is mandatory (every host but loopback); implicit TLS satisfies it too. */
  requireTls: boolean;
  user?: string;
  pass?: string;
  /** Extra trusted CA certificates (PEM), for a relay with a private CA. */
  ca?: string;
}

/** Whether `host` names this machine (127.0.0.0/8, ::1, localhost): mail to it never leaves the box. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "0:0:0:0:0:0:0:1";
}

/** Parse an SMTP URL, naming what is wrong with a bad one. */
export function parseSmtpUrl(url: string, opts: { ca?: string } = {}): SmtpTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SmtpError(`SMTP URL "${url}" is not a URL (expected smtp://host:port)`);
  }
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    throw new SmtpError(`SMTP URL must start with smtp:// or smtps://, got ${u.protocol}//`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new SmtpError(`SMTP URL "${url}" names no host`);
  const tls = u.protocol === "smtps:";
  return {
    host,
    port: u.port ? Number(u.port) : tls ? 465 : 25,
    tls,
    requireTls: !isLoopbackHost(host),
    ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
  };
}

const ADDRESS = /^[^\s<>@,;"]+@[^\s<>@,;"]+$/;
const HEADER_SAFE = /^[^\r\n]*$/;

/** Refuse a message whose addresses are not plain or whose headers hold line breaks. */
function checkMessage(m: MailMessage): void {
  for (const a of [m.from, m.to]) {
    if (!ADDRESS.test(a)) throw new SmtpError(`"${a}" is not a plain e-mail address`);
  }
  if (!HEADER_SAFE.test(m.subject)) throw new SmtpError("mail subject must not contain line breaks");
}

/** Send one message; resolves when the server accepted it for delivery. */
export async function sendMail(
  target: SmtpTarget,
  m: MailMessage,
  opts: { timeoutMs?: number; helo?: string } = {},
): Promise<void> {
  checkMessage(m);
  const where = `${target.host}:${target.port}`;
  const timeout = opts.timeoutMs ?? 15_000;
  // Loaded on first use: the agent's daemon holds this module but mails rarely, if ever.
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.tls,
    requireTLS: target.requireTls,
    name: opts.helo ?? "malachor",
    ...(target.user !== undefined ? { auth: { user: target.user, pass: target.pass ?? "" } } : {}),
    tls: {
      servername: isIP(target.host) ? undefined : target.host,
      ...(target.ca ? { ca: target.ca } : {}),
      // Loopback mail never leaves the machine: its certificate (often self-made) is not checked.
      rejectUnauthorized: target.requireTls,
    },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Only the text given is sent: no files or URLs read on a message's behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text });
  } catch (e) {
    throw new SmtpError(`SMTP ${where}: ${describeFailure(e)}`);
  } finally {
    transport.close();
  }
}

/** nodemailer's error as a technician reads it: the step, the server's answer or the TLS problem. */
function describeFailure(e: unknown): string {
  const err = e as { code?: string; command?: string; response?: string; message?: string };
  if (err.code === "ETLS" || /STARTTLS/i.test(err.message ?? "")) {
    return `TLS required but not available (${err.message ?? "no STARTTLS"}); use smtps:// or a relay that offers STARTTLS`;
  }
  if (err.response) return `${err.command ?? "step"} refused: ${err.response}`;
  if (err.code === "ECONNECTION" || err.code === "ESOCKET" || err.code === "ETIMEDOUT") {
    return `cannot connect or lost the connection (${err.message ?? err.code})`;
  }
  return err.message ?? String(e);
}
