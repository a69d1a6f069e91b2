/** How the cloud sends e-mail: SMTP in production, the log in development (the link is printed). */

import { type MailMessage, parseSmtpUrl, sendMail } from "../../../../lib/mail/smtp.ts";
import type { Logger } from "../../logger.ts";

/** Something that delivers a message (or says where it went). */
export interface Mailer {
  /** Human words for where mail goes, e.g. "smtp://relay:25" or "the log". */
  describe: string;
  send(m: Omit<MailMessage, "from">): Promise<void>;
}

/** Deliver through an SMTP server given as `smtp://[user:pass@]host:port` (or `smtps://`). */
export function smtpMailer(url: string, from: string): Mailer {
  const target = parseSmtpUrl(url);
  return {
    describe: `smtp${target.tls ? "s" : ""}://${target.host}:${target.port}`,
    send: (m) => sendMail(target, { ...m, from }),
  };
}

/** Development: write the whole message to the log instead of sending it. */
export function logMailer(logger: Logger): Mailer {
  return {
    describe: "the log",
    async send(m) {
      logger.info("mail (not sent: no SMTP_URL configured)", { to: m.to, subject: m.subject, text: m.text });
    },
  };
}
