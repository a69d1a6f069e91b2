/**
 * How the cloud sends e-mail: SMTP (TLS required beyond loopback, lib/mail/smtp.ts), or — with no
 * SMTP configured — a note in the log that names recipient and subject only. The whole message
 * (with its sign-in link) is logged only under the explicit development setting MAIL_LOG_LINKS=dev,
 * since a sign-in link in a log is a credential in a log.
 */

import { type MailMessage, parseSmtpUrl, sendMail } from "../../../../lib/mail/smtp.ts";
import type { Logger } from "../../logger.ts";

/** Something that delivers a message (or says where it went). */
export interface Mailer {
  /** Human words for where mail goes, e.g. "smtp://relay:25" or "the log". */
  describe: string;
  send(m: Omit<MailMessage, "from">): Promise<void>;
}

/**
 * Deliver through an SMTP server given as `smtp://[user:pass@]host:port` (STARTTLS) or `smtps://`
 * (implicit TLS); `ca` adds trusted CA certificates (PEM) for a relay with a private CA.
 */
export function smtpMailer(url: string, from: string, opts: { ca?: string } = {}): Mailer {
  const target = parseSmtpUrl(url, opts);
  return {
    describe: `smtp${target.tls ? "s" : ""}://${target.host}:${target.port}`,
    send: (m) => sendMail(target, { ...m, from }),
  };
}

/**
 * No SMTP: log that a message was not sent (recipient and subject). With `logLinks` (development
 * only: MAIL_LOG_LINKS=dev) the whole text is logged too, so a demo can follow sign-in links.
 */
export function logMailer(logger: Logger, opts: { logLinks?: boolean } = {}): Mailer {
  return {
    describe: opts.logLinks ? "the log (MAIL_LOG_LINKS=dev: whole messages)" : "nowhere (no SMTP_URL)",
    async send(m) {
      if (opts.logLinks) {
        logger.info("mail (not sent: no SMTP_URL; MAIL_LOG_LINKS=dev logs it whole)", {
          to: m.to,
          subject: m.subject,
          text: m.text,
        });
      } else {
        logger.warn("mail not sent: no SMTP_URL configured", { to: m.to, subject: m.subject });
      }
    },
  };
}
