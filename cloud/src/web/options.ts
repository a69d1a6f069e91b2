import { readFileSync } from "node:fs";
import * as v from "valibot";
import { parseEnvVars } from "../env-vars.ts";
import type { Logger } from "../logger.ts";
import { logMailer, type Mailer, smtpMailer } from "./mail/mailer.ts";

/** What the web area needs beyond the cloud's deps. */
export interface WebOptions {
  mailer: Mailer;
}

/**
 * Environment of the web area: `SMTP_URL` (smtp://[user:pass@]host:port with STARTTLS, or smtps://;
 * TLS is required unless the host is loopback), `SMTP_CA_FILE` (PEM CA certificates trusted for
 * the relay), `MAIL_FROM`, and `MAIL_LOG_LINKS=dev` (no SMTP: log whole messages, sign-in links
 * included — development and the demo only).
 */
export const WebEnvVars = v.object({
  SMTP_URL: v.optional(v.pipe(v.string(), v.regex(/^smtps?:\/\//, "must start with smtp:// or smtps://"))),
  SMTP_CA_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
  MAIL_FROM: v.optional(v.pipe(v.string(), v.email("must be an e-mail address")), "portal@malachor.invalid"),
  MAIL_LOG_LINKS: v.optional(v.picklist(["dev"], 'must be "dev" (or unset)')),
});

/** The web area's validated settings (the CA file already read). */
export interface WebSettings {
  smtpUrl?: string;
  ca?: string;
  from: string;
  logLinks: boolean;
}

/** Validate the web area's variables once at start; a bad value throws naming it. */
export function parseWebSettings(env: Record<string, string | undefined>): WebSettings {
  const e = parseEnvVars("web", WebEnvVars, env);
  let ca: string | undefined;
  if (e.SMTP_URL && e.SMTP_CA_FILE) {
    try {
      ca = readFileSync(e.SMTP_CA_FILE, "utf8");
    } catch (err) {
      throw new Error(
        `web configuration: SMTP_CA_FILE: cannot read ${e.SMTP_CA_FILE} (${(err as Error).message})`,
      );
    }
  }
  return { smtpUrl: e.SMTP_URL, ca, from: e.MAIL_FROM, logLinks: e.MAIL_LOG_LINKS === "dev" };
}

/** Options from settings: SMTP when `smtpUrl` is set, else the log (links only with logLinks). */
export function webOptions(s: WebSettings, logger: Logger): WebOptions {
  if (!s.smtpUrl) return { mailer: logMailer(logger, { logLinks: s.logLinks }) };
  return { mailer: smtpMailer(s.smtpUrl, s.from, { ca: s.ca }) };
}

/** Options straight from environment variables (parse, then build). */
export function webOptionsFromEnv(env: Record<string, string | undefined>, logger: Logger): WebOptions {
  return webOptions(parseWebSettings(env), logger);
}
