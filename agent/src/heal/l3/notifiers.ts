import type { Config } from "../../config/schema.ts";
import { readSecretFile } from "../../config/secret.ts";
import { emailNotifier } from "./email.ts";
import type { Notifier } from "./event.ts";
import { webhookNotifier } from "./webhook.ts";

/** The notifiers [notify] configures (secrets read from their 0600 files now). */
export function notifiersFrom(config: Config): Notifier[] {
  const out: Notifier[] = config.notify.webhooks.map((w) =>
    webhookNotifier({ url: w.url, secret: readSecretFile(w.secret_file, `webhook secret for ${w.url}`) }),
  );
  const smtp = config.notify.smtp;
  if (smtp) {
    const u = new URL(smtp.url);
    if (smtp.username) {
      u.username = encodeURIComponent(smtp.username);
      if (smtp.password_file)
        u.password = encodeURIComponent(readSecretFile(smtp.password_file, "SMTP password"));
    }
    out.push(emailNotifier({ url: u.href, from: smtp.from, to: smtp.to }));
  }
  return out;
}
