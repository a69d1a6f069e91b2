import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import type { Logger } from "../logger.ts";
import { logMailer, type Mailer, smtpMailer } from "./mail/mailer.ts";

/** What the web area needs beyond the cloud's deps. */
export interface WebOptions {
  mailer: Mailer;
}

/** Environment of the web area: `SMTP_URL` (smtp://[user:pass@]host:port) and `MAIL_FROM`. */
export const WebEnvVars = v.object({
  SMTP_URL: v.optional(v.pipe(v.string(), v.regex(/^smtps?:\/\//, "must start with smtp:// or smtps://"))),
  MAIL_FROM: v.optional(v.pipe(v.string(), v.email("must be an e-mail address")), "portal@malachor.invalid"),
});

/** Options from the environment: SMTP when `SMTP_URL` is set, else links are printed to the log (dev). */
export function webOptionsFromEnv(env: Record<string, string | undefined>, logger: Logger): WebOptions {
  const r = v.safeParse(WebEnvVars, env);
  if (!r.success) throw new Error(`web configuration: ${describeIssues(r.issues)}`);
  return {
    mailer: r.output.SMTP_URL ? smtpMailer(r.output.SMTP_URL, r.output.MAIL_FROM) : logMailer(logger),
  };
}
